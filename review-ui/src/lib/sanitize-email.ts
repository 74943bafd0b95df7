import DOMPurify from 'dompurify';

/**
 * Turns an email's untrusted HTML into a complete document for an `<iframe sandbox="" srcdoc>`.
 * Defence in depth: DOMPurify removes scripts, event handlers and dangerous tags; every link loses
 * its target; remote resources are stripped unless `allowRemoteImages`; and the document's own CSP
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
  const neutraliseCssUrls = (css: string) =>
    css.replace(/url\(\s*(['"]?)(.*?)\1\s*\)/gi, (match, _quote: string, url: string) => {
      if (allowedImage(url)) return match;
      blockedImages += 1;
      return 'none';
    });

  const purifier = DOMPurify(window);
  purifier.addHook('uponSanitizeElement', (node) => {
    if (node.nodeName === 'STYLE' && node.textContent)
      node.textContent = neutraliseCssUrls(node.textContent).replace(/@import[^;]*;?/gi, '');
  });
  purifier.addHook('afterSanitizeAttributes', (node) => {
    const element = node as Element;
    if (element.nodeName === 'A' || element.nodeName === 'AREA') {
      const href = element.getAttribute('href');
      element.removeAttribute('href');
      element.removeAttribute('target');
      // Links are shown, never followed: the address stays visible as a tooltip for the reviewer.
      if (href) element.setAttribute('title', `Link (not opened here): ${href.slice(0, 500)}`);
    }
    for (const name of ['src', 'background', 'poster', 'lowsrc', 'dynsrc']) {
      const value = element.getAttribute(name);
      if (value !== null && !allowedImage(value)) {
        element.removeAttribute(name);
        if (element.nodeName === 'IMG') {
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
    if (style) element.setAttribute('style', neutraliseCssUrls(style));
  });
  const body = purifier.sanitize(untrustedHtml, {
    FORBID_TAGS: [
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
    FORBID_ATTR: ['action', 'formaction', 'ping', 'xlink:href'],
    ALLOW_DATA_ATTR: false,
    FORCE_BODY: true,
  });
  purifier.removeAllHooks();

  const imgSrc = allowRemoteImages ? 'https: data:' : 'data:';
  const csp = `default-src 'none'; img-src ${imgSrc}; style-src 'unsafe-inline'; form-action 'none'; frame-src 'none'`;
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"><meta name="referrer" content="no-referrer"><style>body{font-family:system-ui,sans-serif;margin:12px;color:#111;background:#fff;overflow-wrap:anywhere}img{max-width:100%}</style></head><body>${body}</body></html>`;
  return { html, blockedImages };
}
