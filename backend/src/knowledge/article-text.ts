import sanitizeHtml from 'sanitize-html';
import type { ArticleFormat } from '@handoff/contracts';

/** Tags dropped with everything inside them: nothing of a script or style is text worth keeping. */
const DROPPED_WITH_CONTENT = ['script', 'style', 'textarea', 'noscript', 'svg', 'math', 'template', 'title', 'iframe'];

/**
 * The allow-list for an HTML article: structure and text formatting, links to http(s) pages only, and no
 * attributes beyond a link's address. No images, styles, forms or event handlers survive.
 */
export function sanitizeArticleHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [
      'h1',
      'h2',
      'h3',
      'h4',
      'h5',
      'h6',
      'p',
      'br',
      'ul',
      'ol',
      'li',
      'strong',
      'b',
      'em',
      'i',
      'code',
    ].concat(['pre', 'blockquote', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'hr']),
    allowedAttributes: { a: ['href'] },
    allowedSchemes: ['http', 'https'],
    allowProtocolRelative: false,
    nonTextTags: DROPPED_WITH_CONTENT,
    transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }) },
  }).trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };
const decode = (text: string) => text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name]!);

/** Markdown or plain text with any HTML in it removed (tags, and scripts with their content). */
export function stripHtml(text: string): string {
  if (!/[<>&]/.test(text)) return text.trim();
  return decode(sanitizeHtml(text, { allowedTags: [], allowedAttributes: {}, nonTextTags: DROPPED_WITH_CONTENT }))
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function guessFormat(body: string): ArticleFormat {
  return /<(p|h[1-6]|div|ul|ol|li|br|table|a|strong|em|span|section|article)\b[^>]*>/i.test(body) ? 'html' : 'markdown';
}

/** The body as stored: sanitised HTML, or Markdown/text with HTML removed. */
export function cleanBody(body: string, format: ArticleFormat): string {
  return format === 'html' ? sanitizeArticleHtml(body) : stripHtml(body);
}

/** Sanitised HTML as Markdown-ish text: headings as "#" lines, blocks as paragraphs. */
function htmlToText(html: string): string {
  return decode(
    html
      .replace(/<h([1-6])[^>]*>/gi, (_, level: string) => `\n\n${'#'.repeat(Number(level))} `)
      .replace(/<\/h[1-6]>/gi, '\n\n')
      .replace(/<li[^>]*>/gi, '\n- ')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|ul|ol|table|tr|blockquote|pre)>/gi, '\n\n')
      .replace(/<\/t[dh]>/gi, ' ')
      .replace(/<[^>]+>/g, ''),
  );
}

/** Markdown inline syntax as plain words: links keep their text, emphasis and code marks go. */
function plainInline(text: string): string {
  return text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|`)/g, '')
    .replace(/(^|\s)[*_](\S[^*_]*\S|\S)[*_](?=\s|[.,;:!?]|$)/g, '$1$2');
}

export interface ArticleChunk {
  position: number;
  heading: string | null;
  text: string;
}

/** Longest chunk, in characters: about a screenful, so a cited passage is something a reviewer can read. */
const MAX_CHUNK_CHARS = 900;

/**
 * Splits an article at its headings, then packs each section's paragraphs into chunks of at most
 * MAX_CHUNK_CHARS (a longer paragraph is a chunk of its own). Every chunk knows the heading it is under.
 */
export function chunkArticle(body: string, format: ArticleFormat): ArticleChunk[] {
  const text = format === 'html' ? htmlToText(body) : body;
  const chunks: ArticleChunk[] = [];
  let heading: string | null = null;
  let section: string[] = [];
  let paragraph: string[] = [];

  const endParagraph = () => {
    const joined = plainInline(paragraph.map((line) => line.trim()).join('\n')).trim();
    paragraph = [];
    if (!joined) return;
    const size = section.reduce((sum, part) => sum + part.length + 2, 0);
    if (section.length > 0 && size + joined.length > MAX_CHUNK_CHARS) endChunk();
    section.push(joined);
  };
  const endChunk = () => {
    const joined = section.join('\n\n').trim();
    section = [];
    if (joined) chunks.push({ position: chunks.length, heading, text: joined });
  };

  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const match = format === 'text' ? null : /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (match) {
      // A heading ends the section before it and names the one after it.
      endParagraph();
      endChunk();
      heading = plainInline(match[1]!).slice(0, 300);
    } else if (line.trim() === '') {
      endParagraph();
    } else {
      paragraph.push(line);
    }
  }
  endParagraph();
  endChunk();
  return chunks;
}
