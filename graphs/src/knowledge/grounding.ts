/**
 * Grounding by overlap of factual tokens: every number, amount, duration or time the draft states must
 * appear in a cited passage or in the customer's own email (an order number the draft repeats), and
 * every policy promise (free, refund, warranty…) must be a word some cited passage uses.
 */

const NUMBER_WORDS = new Map(
  Object.entries({
    one: 1,
    two: 2,
    three: 3,
    four: 4,
    five: 5,
    six: 6,
    seven: 7,
    eight: 8,
    nine: 9,
    ten: 10,
    eleven: 11,
    twelve: 12,
    fourteen: 14,
    fifteen: 15,
    twenty: 20,
    thirty: 30,
    forty: 40,
    fifty: 50,
    sixty: 60,
    ninety: 90,
    hundred: 100,
  }),
);

const UNIT = String.raw`(?:business |working |calendar )?(?:minutes?|hours?|days?|nights?|weeks?|months?|years?|percent|euros?|dollars?|pounds?)\b`;
const DIGITS = /(?:[$€£]\s?)?\d+(?:[.,:]\d+)*\s?(?:%|[a-z]+)?/gi;
const WORD_NUMBER = new RegExp(String.raw`\b(${[...NUMBER_WORDS.keys()].join('|')})[\s-]+${UNIT}`, 'gi');

/** Policy words a draft may only use when a source does: each is a promise to the customer. */
export const POLICY_WORDS = [
  'free',
  'refund',
  'refunds',
  'refunded',
  'warranty',
  'guarantee',
  'guaranteed',
  'lifetime',
  'compensation',
  'discount',
  'voucher',
  'credit',
  'exchange',
  'express',
  'overnight',
  'cancel',
  'cancellation',
] as const;

/** The numeric values a text states, digits and number words before a unit alike ("thirty days" → 30). */
export function numbersIn(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of text.matchAll(DIGITS)) {
    const value = /\d+(?:[.,:]\d+)*/
      .exec(match[0])![0]
      .replace(/[.,](?=\d{3}\b)/g, '')
      .replace(',', '.');
    if (!found.has(value)) found.set(value, match[0].trim());
  }
  for (const match of text.matchAll(WORD_NUMBER)) {
    const value = String(NUMBER_WORDS.get(match[1]!.toLowerCase()));
    if (!found.has(value)) found.set(value, match[0].trim());
  }
  return found;
}

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/\p{L}+/gu) ?? []);
}

/**
 * The draft's claims that no source backs: numbers (with the phrase they appear in) and policy words.
 * `sources` are the cited passages; `email` is what the customer wrote, whose own numbers the draft may repeat.
 */
export function unsupportedClaims(draft: string, sources: string[], email: string): string[] {
  const backed = new Set<string>([...numbersIn(email).keys()]);
  for (const source of sources) for (const value of numbersIn(source).keys()) backed.add(value);
  const claims: string[] = [];
  for (const [value, phrase] of numbersIn(draft)) if (!backed.has(value)) claims.push(phrase);
  const sourceWords = words(sources.join('\n'));
  const draftWords = words(draft);
  for (const word of POLICY_WORDS) if (draftWords.has(word) && !sourceWords.has(word)) claims.push(word);
  return claims;
}
