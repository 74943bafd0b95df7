/**
 * CSS from an email, made unable to fetch anything the reviewer did not allow. The browser decodes
 * escapes (`u\72l(` is `url(`) and ignores comments, so the checks below run on text where both are
 * already undone; whatever cannot be read with certainty is dropped rather than kept.
 */

const COMMENT = /\/\*[\s\S]*?(?:\*\/|$)/g;
const ESCAPE = /\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|([^\n\r\f0-9a-fA-F]))/g;
/** Only characters that can spell a function or at-rule name are decoded; any other escape stays as written. */
const NAME_CHARACTER = /^[A-Za-z0-9@(-]$/;
const URL_FUNCTION = /\b(?:url|src)\(/gi;
/** Functions whose arguments are URLs even as plain strings: renamed, so the browser drops the declaration. */
const STRING_URL_FUNCTION = /\b(image-set|image|cross-fade|element)\(/gi;
const IMPORT_RULE = /@import\b[^;]*;?/gi;

/** Undoes what the browser would undo before reading function names, without creating new markup. */
export function decodeCss(css: string): string {
  return (
    css
      // A comment separates tokens, so a space keeps `u/**/rl(` apart the way the browser does.
      .replace(COMMENT, ' ')
      .replace(ESCAPE, (escape, hex: string | undefined, literal: string | undefined) => {
        const code = hex === undefined ? literal!.codePointAt(0)! : Number.parseInt(hex, 16);
        const character = code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
        return NAME_CHARACTER.test(character) ? character : escape;
      })
      // A `<` in a style sheet can only belong in a string; escaped, it can never close the <style> element.
      .replace(/</g, '\\3c ')
  );
}

/** Index just past the `)` that ends the url()/src() argument starting at `start`, and the argument. */
function readArgument(css: string, start: number): { value: string; end: number } {
  let index = start;
  while (/\s/.test(css[index] ?? '')) index += 1;
  const quote = css[index];
  if (quote === '"' || quote === "'") {
    let close = index + 1;
    while (close < css.length && css[close] !== quote) close += css[close] === '\\' ? 2 : 1;
    const value = css.slice(index + 1, close);
    const paren = css.indexOf(')', close);
    return { value, end: paren < 0 ? css.length : paren + 1 };
  }
  const paren = css.indexOf(')', index);
  const end = paren < 0 ? css.length : paren;
  return { value: css.slice(index, end).trim(), end: end + 1 };
}

/**
 * Returns the CSS with every @import removed, every url()/src() the `allowed` check refuses replaced by
 * `none`, and functions that take bare-string URLs disabled; `blocked` counts what was taken out.
 */
export function neutraliseCss(css: string, allowed: (url: string) => boolean): { css: string; blocked: number } {
  let blocked = 0;
  const decoded = decodeCss(css).replace(IMPORT_RULE, () => {
    blocked += 1;
    return '';
  });
  let result = '';
  let from = 0;
  for (const match of decoded.matchAll(URL_FUNCTION)) {
    if (match.index < from) continue;
    const { value, end } = readArgument(decoded, match.index + match[0].length);
    // A backslash left in the address is an escape we did not decode: refuse rather than guess.
    const keep = !value.includes('\\') && allowed(value);
    if (!keep) blocked += 1;
    result += decoded.slice(from, match.index) + (keep ? decoded.slice(match.index, end) : 'none');
    from = end;
  }
  result += decoded.slice(from);
  return {
    css: result.replace(STRING_URL_FUNCTION, (_match, name: string) => {
      blocked += 1;
      return `blocked-${name}(`;
    }),
    blocked,
  };
}
