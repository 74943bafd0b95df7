import { tokenize } from '../llm/local/text';
import type { KnowledgePassage } from './passages';

// Words that carry no topic: a sentence sharing only these with the email is not an answer to it.
const FILLER = new Set(
  (
    'a an the and or but if of to in on at for from by with about as into is are was were be been being am ' +
    'i me my we our us you your it its this that these those there here he she they them their his her ' +
    'do does did have has had can could would should will shall may might must just so than then too very ' +
    'not no yes what when where which who why how please thanks thank hi hello hey dear regards get got ' +
    'want need know like also any all some one out up how much many still yet re fw fwd order orders <num>'
  ).split(' '),
);

function contentWords(text: string): Set<string> {
  // A crude stem, so "returns" meets "return" and "delivered" meets "delivery".
  return new Set(
    tokenize(text)
      .filter((word) => !FILLER.has(word) && word.length > 2)
      .map((word) => word.replace(/(ing|ed|es|s|y)$/u, '')),
  );
}

function sentences(text: string): string[] {
  return (
    text
      .split(/\n+|(?<=[.!?])\s+(?=[A-Z0-9"“(€$£])/u)
      .map((sentence) => sentence.replace(/\s+/g, ' ').trim())
      // A line without closing punctuation is a heading or a label, not something to tell a customer.
      .filter((sentence) => /[.!?]["”)]?$/u.test(sentence))
  );
}

/**
 * The passage's sentences that share the most content words with the email, at most `max`, in the
 * passage's own order; empty when no sentence shares at least `minShared` words with it.
 */
export function relevantSentences(passage: string, email: string, max = 3, minShared = 1): string[] {
  const asked = contentWords(email);
  const scored = sentences(passage).map((sentence, index) => {
    const shared = [...contentWords(sentence)].filter((word) => asked.has(word)).length;
    return { sentence, index, shared };
  });
  const best = scored
    .filter((entry) => entry.shared >= minShared)
    .sort((a, b) => b.shared - a.shared || a.index - b.index)
    .slice(0, max);
  if (best.length === 0) return [];
  // A sentence right after a chosen one usually finishes its thought (the condition after the rule).
  const chosen = new Set(best.map((entry) => entry.index));
  const first = best[0]!.index;
  if (chosen.size < max && first + 1 < scored.length) chosen.add(first + 1);
  return [...chosen].sort((a, b) => a - b).map((index) => scored[index]!.sentence);
}

/**
 * The offline model's grounded reply: the best passage's most relevant sentences between a greeting and
 * a sign-off, each cited as [1]; null when no passage matches the email well enough to answer from.
 */
export function composeFromPassage(
  passages: KnowledgePassage[],
  email: string,
  firstName: string | null,
): { text: string; passage: KnowledgePassage } | null {
  for (const [index, passage] of passages.slice(0, 3).entries()) {
    // Two shared content words: one ("item", "account") is too easily shared by chance.
    const picked = relevantSentences(passage.text, email, 3, 2);
    if (picked.length === 0) continue;
    const body = picked.map((sentence) => (/[.!?]$/.test(sentence) ? sentence : `${sentence}.`)).join(' ');
    const text = [
      `Hi ${firstName ?? 'there'},`,
      'Thanks for your message.',
      `${body} [${index + 1}]`,
      'If anything is unclear, just reply to this email.',
      'Best wishes,\nThe Support Team',
    ].join('\n\n');
    return { text, passage };
  }
  return null;
}
