/** Pure parts of retrieval: the query an email becomes, reciprocal rank fusion, cosine similarity. */

const STOP_WORDS = new Set(
  (
    'the and for are but not you your yours our ours with this that these those from have has had was were ' +
    'will would could should can may might must shall been being into onto about than then them they their ' +
    'there here what when where which who whom why how all any some such only own same too very just also ' +
    'please thanks thank hello dear regards best cheers kind its it’s i’m i’ve don’t can’t won’t hi hey ' +
    'get got want wanted need needed know does did doing done one two yes yet still again ago via per etc'
  ).split(' '),
);

/** Longest query: the subject and the start of the body say what the email is about. */
const MAX_QUERY_WORDS = 40;

/** The email's own words, without quoted earlier messages: what is being asked now. */
export function freshText(text: string): string {
  const lines: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*>/.test(line)) continue;
    if (/^On .{4,200} wrote:\s*$/.test(line.trim()) || /^-{2,}\s*Original Message/i.test(line.trim())) break;
    lines.push(line);
  }
  return lines.join('\n');
}

/**
 * Distinct content words of the subject and body, in order, for an OR full-text query. Only letters and
 * digits survive, so nothing in an email can be query syntax; pure numbers (order numbers) are dropped.
 */
export function queryWords(subject: string, text: string): string[] {
  const words = `${subject}\n${freshText(text)}`
    .normalize('NFKC')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu);
  const seen = new Set<string>();
  for (const word of words ?? []) {
    if (word.length < 3 || STOP_WORDS.has(word) || /^\p{N}+$/u.test(word)) continue;
    seen.add(word);
    if (seen.size === MAX_QUERY_WORDS) break;
  }
  return [...seen];
}

/** Reciprocal rank fusion of several rankings of ids: Σ 1 / (k + rank), rank from 1. */
export function reciprocalRankFusion(rankings: string[][], k = 60): Map<string, number> {
  const scores = new Map<string, number>();
  for (const ranking of rankings) {
    ranking.forEach((id, index) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + index + 1)));
  }
  return scores;
}

export function cosine(a: number[], b: number[]): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index += 1) {
    dot += a[index]! * b[index]!;
    normA += a[index]! * a[index]!;
    normB += b[index]! * b[index]!;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
