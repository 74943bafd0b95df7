import type { Article, FollowUp, ReviewDetail } from '@handoff/contracts';
import type { Tx } from '../database/unit-of-work';

/** What reviews need of the run a review belongs to. Declared here, implemented by workflow (which owns runs). */
export interface ReviewRuns {
  /** The deadline's `close` action ended the review: the run ends as timed_out. */
  closeByDeadline(tx: Tx, runId: string): Promise<void>;
  /** The ingest request's trace, so a decision's work joins it. */
  traceParentOf(runId: string): Promise<string | null>;
  /** The run that took over when the customer wrote again, and when; null while the run is not superseded. */
  supersedingRunOf(runId: string): Promise<{ runId: string; at: Date } | null>;
}
export const REVIEW_RUNS = Symbol('REVIEW_RUNS');

/** The customer's message a review is about, as the review page shows it (sanitising its HTML is ours). */
export type ReviewMessage = Omit<ReviewDetail['message'], 'sanitizedHtml'>;

/** Declared here, implemented by ingest (which owns events). */
export interface ReviewMessages {
  messageOfRun(runId: string): Promise<ReviewMessage>;
  /** "Customer wrote again" for the run's review (its reviewId is ours to fill in); null without a follow-up. */
  followUpOf(runId: string): Promise<Omit<FollowUp, 'reviewId'> | null>;
}
export const REVIEW_MESSAGES = Symbol('REVIEW_MESSAGES');

/** A decided reply kept as a knowledge article. */
export interface ReplyArticle {
  title: string;
  tags: string[];
  body: string;
  language: string;
  /** One article per review: saving the same review twice is refused. */
  key: string;
}

/** Declared here, implemented by knowledge (which owns articles). */
export interface ReviewArticles {
  /**
   * Creates the article; `alsoInTx` runs in the same transaction (the audit entry), so both commit or
   * neither does. ConflictError when the key is taken.
   */
  saveReply(
    reply: ReplyArticle,
    actor: string,
    alsoInTx: (tx: Tx, articleId: string) => Promise<void>,
  ): Promise<Article>;
}
export const REVIEW_ARTICLES = Symbol('REVIEW_ARTICLES');
