import DOMPurify from 'dompurify';
import { neutraliseCss } from './email-css';

/** Attributes that make an element a link. */
const LINK_ATTRIBUTES = ['href', 'xlink:href', 'target'];
const LINK_ELEMENTS = new Set(['a', 'area']);
/** Addresses worth showing as a tooltip; a `javascript:` or `data:` one is dropped without a trace. */
const SHOWN_ADDRESS = /^(https?|mailto):/i;

/**
 * Turns an email's untrusted HTML into a complete document for an `<iframe sandbox="" srcdoc>`.
 * Defence in depth: DOMPurify removes scripts, event handlers, SVG, MathML and dangerous tags; every
 * element loses its link address; CSS is read with its escapes decoded and loses @import and every
 * url() it may not load; remote resources are stripped unless `allowRemoteImages`; and the document's own CSP
 * forbids everything but inline styles and (data:, or https: when allowed) images. The sandbox
 * without allow-scripts means nothing could run even if all of that failed.
 */
export function emailDocument(
  untrustedHtml: string,
  allowRemoteImages: boolean,
): { html: string; blockedImages: number } {
  let blockedImages = 0;
  const allowedImage = (url: string) =>
    /^data:image\//i.test(url.trim()) || (allowRemoteImages && /^https:\/\//i.test(url.trim()));
  const safeCss = (css: string) => {
    const result = neutraliseCss(css, allowedImage);
    blockedImages += result.blocked;
    return result.css;
  };

  const purifier = DOMPurify(window);
  purifier.addHook('uponSanitizeElement', (node) => {
    // Compared in lower case: an SVG or MathML element keeps its lower-case name, an HTML one does not.
    if (node.nodeName.toLowerCase() === 'style' && node.textContent) node.textContent = safeCss(node.textContent);
  });
  // Links are shown, never followed: FORBID_ATTR takes the address off every element, HTML or not,
  // and it stays visible as a tooltip for the reviewer.
  purifier.addHook('beforeSanitizeAttributes', (node) => {
    const element = node as Element;
    const href = element.getAttribute?.('href');
    if (href && SHOWN_ADDRESS.test(href.trim()) && LINK_ELEMENTS.has(element.nodeName.toLowerCase()))
      element.setAttribute('title', `Link (not opened here): ${href.slice(0, 500)}`);
  });
  purifier.addHook('afterSanitizeAttributes', (node) => {
    const element = node as Element;
    for (const name of ['src', 'background', 'poster', 'lowsrc', 'dynsrc']) {
      const value = element.getAttribute(name);
      if (value !== null && !allowedImage(value)) {
        element.removeAttribute(name);
        if (element.nodeName.toLowerCase() === 'img') {
          blockedImages += 1;
          element.setAttribute('alt', element.getAttribute('alt') || '[remote image blocked]');
        }
      }
    }
    const srcset = element.getAttribute('srcset');
    if (srcset !== null) {
      const kept = srcset
        .split(',')
        .map((part) => part.trim())
        .filter((part) => allowedImage(part.split(/\s+/)[0] ?? ''));
      if (kept.length === 0) element.removeAttribute('srcset');
      else element.setAttribute('srcset', kept.join(', '));
      if (kept.length === 0) blockedImages += 1;
    }
    const style = element.getAttribute('style');
    if (style) element.setAttribute('style', safeCss(style));
  });
  const body = purifier.sanitize(untrustedHtml, {
    // HTML only: SVG and MathML (links, <image href>, their own <style>) are refused with their content.
    USE_PROFILES: { html: true },
    FORBID_TAGS: [
      'svg',
      'math',
      'form',
      'input',
      'button',
      'textarea',
      'select',
      'iframe',
      'frame',
      'object',
      'embed',
      'link',
      'meta',
      'base',
      'audio',
      'video',
      'source',
      'track',
    ],
    FORBID_ATTR: ['action', 'formaction', 'ping', ...LINK_ATTRIBUTES],
    ALLOW_DATA_ATTR: false,
    FORCE_BODY: true,
  });
  purifier.removeAllHooks();

  const imgSrc = allowRemoteImages ? 'https: data:' : 'data:';
  const csp = `default-src 'none'; img-src ${imgSrc}; style-src 'unsafe-inline'; form-action 'none'; frame-src 'none'`;
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><meta name="referrer" content="no-referrer"><style>body{font-family:system-ui,sans-serif;margin:12px;color:#111;background:#fff;overflow-wrap:anywhere}img{max-width:100%}</style></head><body>${body}</body></html>`;
  return { html, blockedImages };
}
