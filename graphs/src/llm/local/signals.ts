import type { RiskFlag, Urgency } from '@handoff/contracts';
import { tokenize } from './text';

// Short, frequent words that are distinctive for each language.
const LANGUAGE_WORDS: Record<string, Set<string>> = {
  en: new Set('the and is are you my to of it for have not with this please thanks was what where can your'.split(' ')),
  de: new Set(
    'der die das und ist nicht ich mit sie ein eine mein meine bitte danke für auf wo wurde habe noch'.split(' '),
  ),
  fr: new Set('le la les et est je pas vous une des mon ma mes pour merci avec que où bonjour ai'.split(' ')),
  es: new Set('el los las y es mi por con para una que gracias hola dónde está estoy pedido'.split(' ')),
  nl: new Set('het een en niet ik mijn met voor van dank bedankt graag bestelling waar wij'.split(' ')),
};

/** en, de, fr, es or nl by stop-word counts; "und" when no language clearly wins. */
export function detectLanguage(text: string): string {
  const tokens = tokenize(text);
  const scores = Object.entries(LANGUAGE_WORDS)
    .map(([language, words]) => ({ language, hits: tokens.filter((token) => words.has(token)).length }))
    .sort((a, b) => b.hits - a.hits);
  const [best, second] = scores;
  if (!best || best.hits < 2 || best.hits === second?.hits) return 'und';
  return best.language;
}

// "not urgent" must win over "urgent", so low is checked first.
const URGENCY: [Urgency, RegExp][] = [
  ['low', /\b(?:no rush|no hurry|not urgent|whenever you (?:can|have time)|when you get a chance)\b/i],
  ['urgent', /\b(?:urgent(?:ly)?|asap|emergency|immediately|right away|right now)\b/i],
  ['high', /\b(?:as soon as possible|quickly|today|tomorrow|deadline|time[- ]sensitive)\b/i],
];

export function detectUrgency(text: string): Urgency {
  return URGENCY.find(([, pattern]) => pattern.test(text))?.[0] ?? 'normal';
}

const KEYWORD_FLAGS: [RiskFlag, RegExp][] = [
  [
    'legal_threat',
    /\b(?:lawyers?|attorneys?|solicitors?|lawsuit|sue|suing|legal action|court|litigation|class action|ombudsman|cease and desist|subpoena)\b/i,
  ],
  [
    'security_incident',
    /\b(?:hack(?:ed|er|ers)?|breach(?:ed)?|phishing|fraud(?:ulent)?|compromised|unauthori[sz]ed|stolen|identity theft|malware|ransomware|vulnerab(?:le|ility)|scam(?:med|mers?)?)\b/i,
  ],
];

/** Legal and security keywords; the prompt-injection checks live in safety.ts. */
export function keywordRiskFlags(text: string): RiskFlag[] {
  return KEYWORD_FLAGS.filter(([, pattern]) => pattern.test(text)).map(([flag]) => flag);
}

const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'dr', 'prof', 'sir', 'madam']);

/** The sender's first name from a display name such as "Jane Doe" or "Doe, Jane"; null when unusable. */
export function firstName(displayName: string | undefined): string | null {
  if (!displayName) return null;
  const given = displayName.includes(',') ? displayName.split(',')[1] : displayName;
  const first = given?.trim().split(/\s+/)[0] ?? '';
  if (!/^\p{L}[\p{L}'-]{0,29}$/u.test(first) || TITLES.has(first.toLowerCase())) return null;
  return first.charAt(0).toUpperCase() + first.slice(1);
}

const ORDER_PATTERNS: { pattern: RegExp; format: (match: string) => string }[] = [
  { pattern: /\b((?:ORD|ORDER|SO)-?\d{4,12})\b/i, format: (code) => code.toUpperCase() },
  { pattern: /#\s?(\d{4,12})\b/, format: (digits) => `#${digits}` },
  {
    pattern: /\border\s*(?:number|no\.?|nr\.?|id|ref(?:erence)?)?\s*[:#]?\s*(\d{4,12})\b/i,
    format: (digits) => `#${digits}`,
  },
];

/** An order reference such as "#12345" or "ORD-12345", or null. */
export function orderReference(text: string): string | null {
  for (const { pattern, format } of ORDER_PATTERNS) {
    const match = pattern.exec(text)?.[1];
    if (match) return format(match);
  }
  return null;
}
