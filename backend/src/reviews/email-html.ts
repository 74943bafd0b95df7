import sanitizeHtml from 'sanitize-html';

/** Parsed as HTML and compared in lower case, so `<SVG>` and `<svg>` are the same tag here. */
/** Addresses worth showing as a tooltip; a `javascript:` or `data:` one is dropped without a trace. */
const SHOWN_ADDRESS = /^(https?|mailto):/i;
const REFUSED_WITH_CONTENT = ['script', 'style', 'textarea', 'option', 'noscript', 'svg', 'math', 'template', 'title'];

/**
 * Server-side allow-list for an email's HTML, in addition to the UI's own
 * sanitiser: text formatting and tables only. Nothing in it can fetch or open
 * anything: no styles (so no CSS url() or @import), no images (a remote image
 * would tell the sender when a reviewer opened the mail), no SVG or MathML, and
 * links keep their text and show their address as a tooltip, never as a target.
 */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.filter((tag) => tag !== 'img'),
    allowedAttributes: {
      a: ['title'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
    },
    allowedSchemes: [],
    allowProtocolRelative: false,
    nonTextTags: REFUSED_WITH_CONTENT,
    transformTags: {
      a: (_tagName, { href }): sanitizeHtml.Tag => ({
        tagName: 'a',
        attribs:
          href && SHOWN_ADDRESS.test(href.trim()) ? { title: `Link (not opened here): ${href.slice(0, 500)}` } : {},
      }),
    },
  });
}
