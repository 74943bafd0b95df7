import type { Citation } from '@handoff/contracts';

/** A piece of a knowledge-base article retrieved for an email: the unit drafts cite. */
export interface KnowledgePassage {
  /** The chunk's id; stable while the article is unchanged. */
  id: string;
  articleId: string;
  title: string;
  url: string | null;
  text: string;
  /** Retrieval's relevance score; only passages above the floor are handed to the graph. */
  score: number;
}

/** A reply a reviewer approved for an earlier, similar email: an example of tone and content, not a source. */
export interface ApprovedExample {
  question: string;
  reply: string;
}

/** What retrieval found for one email. */
export interface Retrieval {
  /** False when the knowledge base holds no articles: nothing to ground in, so nothing is asked of drafts. */
  enabled: boolean;
  /** Relevant passages, best first; empty when none passed the relevance floor. */
  passages: KnowledgePassage[];
  examples: ApprovedExample[];
}

export const NO_RETRIEVAL: Retrieval = { enabled: false, passages: [], examples: [] };

const MARKER = /\s?\[(\d{1,2})\]/g;

/**
 * Splits a draft into the text a customer reads and the passages it cites: `[n]` markers name the
 * n-th passage (1-based); markers naming no passage are dropped. Citations come out in passage order.
 */
export function extractCitations(
  draft: string,
  passages: KnowledgePassage[],
): { text: string; cited: KnowledgePassage[] } {
  const cited = new Set<number>();
  for (const [, number] of draft.matchAll(MARKER)) {
    const index = Number(number) - 1;
    if (index >= 0 && index < passages.length) cited.add(index);
  }
  const text = draft.replace(MARKER, '').replace(/[ \t]+\n/g, '\n');
  return { text, cited: [...cited].sort((a, b) => a - b).map((index) => passages[index]!) };
}

export function toCitation(passage: KnowledgePassage): Citation {
  return { articleId: passage.articleId, title: passage.title, url: passage.url, chunk: passage.text };
}
