import { Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

/**
 * Beyond these, structure is dropped and only text is kept. html-to-text recurses per level (a
 * stack overflow from a few thousand levels) and costs ~10 µs per element, so both must be bounded.
 */
export const HTML_LIMITS = { maxDepth: 100, maxElements: 20_000 };

/** Void elements (never on the stack); every one of them is void in htmlparser2 too. */
const VOID = new Set('area base br col embed hr img input link meta param source track wbr'.split(' '));
/** Opening the key closes these when they are the innermost open elements (HTML's optional end tags). */
const CLOSED_BY = new Map<string, Set<string>>([
  ...'p h1 h2 h3 h4 h5 h6 address article aside blockquote details div dl fieldset figcaption figure footer form header hr main nav ol pre section table ul'
    .split(' ')
    .map((name): [string, Set<string>] => [name, new Set(['p'])]),
  ['li', new Set(['li'])],
  ['dd', new Set(['dd', 'dt'])],
  ['dt', new Set(['dd', 'dt'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['tbody', new Set(['thead', 'tbody'])],
  ['tfoot', new Set(['thead', 'tbody'])],
]);
/** SVG and MathML, where `<x/>` closes itself, and the elements inside them that switch back to HTML. */
const FOREIGN = new Set(['svg', 'math']);
const HTML_INSIDE_FOREIGN = new Set('mi mo mn ms mtext annotation-xml foreignobject desc title'.split(' '));

export interface FlattenedHtml {
  html: string;
  /** True when tags beyond the limits were removed (their text is kept). */
  flattened: boolean;
}

const noop = () => undefined;

/**
 * Removes the tags of elements nested deeper than `maxDepth` or beyond the first `maxElements`,
 * keeping all text, in one linear pass. It tokenizes with htmlparser2 (what html-to-text parses
 * with) and follows the same tree rules (void elements, optional end tags, self-closing in SVG), so
 * the depth counted here is the depth the converter will build; any rule it knows less of only makes
 * it count deeper. Only tags are cut from the input: HTML within the limits is returned unchanged.
 */
export function flattenHtml(html: string, limits = HTML_LIMITS): FlattenedHtml {
  const stack: { name: string; kept: boolean }[] = [];
  const open = new Map<string, number>();
  const foreign: boolean[] = [];
  const cut: [number, number][] = [];
  let elements = 0;
  let current: { name: string; kept: boolean; start: number } | undefined;

  const push = (name: string, kept: boolean) => {
    stack.push({ name, kept });
    open.set(name, (open.get(name) ?? 0) + 1);
  };
  const pop = () => {
    const element = stack.pop()!;
    open.set(element.name, open.get(element.name)! - 1);
    return element;
  };
  const closeTagEnd = (from: number) => {
    const end = html.indexOf('>', from);
    return end === -1 ? html.length : end + 1;
  };

  const callbacks: TokenizerCallbacks = {
    onopentagname(start, endIndex) {
      const name = html.slice(start, endIndex).toLowerCase();
      const closes = CLOSED_BY.get(name);
      while (closes && stack.length > 0 && closes.has(stack[stack.length - 1]!.name)) pop();
      const kept = stack.length < limits.maxDepth && elements < limits.maxElements;
      if (kept) elements++;
      if (!VOID.has(name)) {
        push(name, kept);
        if (FOREIGN.has(name)) foreign.push(true);
        else if (HTML_INSIDE_FOREIGN.has(name)) foreign.push(false);
      }
      current = { name, kept, start: start - 1 };
    },
    onopentagend(endIndex) {
      if (current && !current.kept) cut.push([current.start, endIndex + 1]);
      current = undefined;
    },
    onselfclosingtag(endIndex) {
      if (current && !current.kept) cut.push([current.start, endIndex + 1]);
      if (current && foreign[foreign.length - 1] && stack[stack.length - 1]?.name === current.name) pop();
      current = undefined;
    },
    onclosetag(start, endIndex) {
      const name = html.slice(start, endIndex).toLowerCase();
      if (FOREIGN.has(name) || HTML_INSIDE_FOREIGN.has(name)) foreign.pop();
      if (name === 'p' || name === 'br' ? !open.get(name) : false) {
        // htmlparser2 turns a stray </p> or </br> into an element of its own: counted like an open tag.
        if (stack.length < limits.maxDepth && elements < limits.maxElements) elements++;
        else cut.push([html.lastIndexOf('<', start), closeTagEnd(endIndex)]);
        return;
      }
      if (VOID.has(name) || !open.get(name)) return;
      let element = pop();
      while (element.name !== name) element = pop();
      // `</ div>` is a close tag too: its `<` is not always two characters back.
      if (!element.kept) cut.push([html.lastIndexOf('<', start), closeTagEnd(endIndex)]);
    },
    onattribdata: noop,
    onattribentity: noop,
    onattribend: noop,
    onattribname: noop,
    oncdata: noop,
    oncomment: noop,
    ondeclaration: noop,
    onend: noop,
    onprocessinginstruction: noop,
    ontext: noop,
    ontextentity: noop,
  };
  const tokenizer = new Tokenizer({ xmlMode: false, decodeEntities: true }, callbacks);
  tokenizer.write(html);
  tokenizer.end();
  // An open tag cut off by the end of the input runs to the end.
  if (current && !current.kept) cut.push([current.start, html.length]);
  if (cut.length === 0) return { html, flattened: false };
  const parts: string[] = [];
  let at = 0;
  for (const [from, to] of cut) {
    parts.push(html.slice(at, from));
    at = to;
  }
  parts.push(html.slice(at));
  return { html: parts.join(''), flattened: true };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,6});/gi, (entity, name: string) => {
    if (!name.startsWith('#')) return ENTITIES[name.toLowerCase()] ?? entity;
    const code = /^#x/i.test(name) ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
  });
}

const HIDDEN_START = /<!--|<(script|style)\b/gi;

/** The input without comments and script/style content: each search starts where the last one ended. */
function withoutHiddenParts(html: string): string {
  const parts: string[] = [];
  let at = 0;
  HIDDEN_START.lastIndex = 0;
  for (let found = HIDDEN_START.exec(html); found; found = HIDDEN_START.exec(html)) {
    parts.push(html.slice(at, found.index));
    let end = -1;
    if (found[1] === undefined) {
      end = html.indexOf('-->', found.index + 4);
      if (end !== -1) end += 3;
    } else {
      const closing = new RegExp(`</${found[1]}`, 'gi');
      closing.lastIndex = found.index + found[0].length;
      const close = closing.exec(html);
      const gt = close ? html.indexOf('>', close.index) : -1;
      if (gt !== -1) end = gt + 1;
    }
    if (end === -1) return parts.join(''); // unterminated: hidden to the end, as a browser would
    at = end;
    HIDDEN_START.lastIndex = end;
  }
  parts.push(html.slice(at));
  return parts.join('');
}

/**
 * Text from HTML for when the full converter ran out of time: comments and script/style content
 * removed, block tags as line breaks, other tags dropped, common entities decoded. Every pattern
 * either consumes what it scans or runs once, so the cost is linear in the input.
 */
export function stripTags(html: string): string {
  let visible = withoutHiddenParts(html);
  // A `<` with no `>` after it starts a tag the input never finishes; the tag patterns below then
  // never have to scan to the end and fail, which would make them quadratic.
  const lastTagEnd = visible.lastIndexOf('>');
  const unfinished = visible.indexOf('<', lastTagEnd + 1);
  if (unfinished !== -1) visible = visible.slice(0, unfinished);
  const text = decodeEntities(
    visible
      .replace(/<\/?(?:p|div|br|li|tr|h[1-6]|blockquote|table|ul|ol|hr|pre)\b[^>]*>/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  );
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\r\u00a0]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}
