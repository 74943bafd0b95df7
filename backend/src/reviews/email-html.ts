import sanitizeHtml from 'sanitize-html';

/**
 * Server-side allow-list for an email's HTML, in addition to the UI's own
 * sanitiser: text formatting, tables and links only. Images lose their source
 * because a remote image would tell the sender when a reviewer opened the mail.
 */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.filter((tag) => tag !== 'img'),
    allowedAttributes: {
      a: ['href', 'title', 'rel', 'target'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowProtocolRelative: false,
    // Set on every link, overriding whatever the sender wrote.
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }),
    },
  });
}
