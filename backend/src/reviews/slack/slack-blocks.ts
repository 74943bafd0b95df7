import type { ReviewRequest } from '@handoff/contracts';
import { escapeMrkdwn, truncate } from '../../delivery/slack/slack-text';

/** Block ids and action ids the interaction handlers match on. */
export const SLACK_ACTIONS = {
  approve: 'review_approve',
  edit: 'review_edit',
  reject: 'review_reject',
  redraft: 'review_redraft',
  category: 'review_category',
  open: 'review_open',
} as const;
export const SLACK_VIEWS = { edit: 'review_edit_view', reject: 'review_reject_view', redraft: 'review_redraft_view' };
export const SLACK_INPUT = { block: 'decision_input', action: 'text' } as const;

// Slack's limits: 3000 characters in a section's text, 3000 in a plain_text_input, 150 in a button's text.
const SECTION_LIMIT = 3_000;
const DRAFT_SHOWN = 2_500;
export const INPUT_LIMIT = 3_000;

/** The review's fields as shown in Slack, copied from the review task. */
export interface SlackReviewView {
  reviewId: string;
  round: number;
  fromAddress: string;
  subject: string;
  category: string;
  confidence: number;
  request: ReviewRequest;
  link: string;
  /** The taxonomy's keys, offered in the category menu. */
  categories: string[];
  /** The customer wrote again: the newer message (this review answers it, or was closed by it). */
  followUp?: { kind: 'superseded' | 'supersedes'; text: string };
}

export interface SlackDecisionView {
  action: 'approve' | 'edit' | 'reject' | 'redraft' | 'recategorise';
  category?: string | null;
  actor: string;
  decidedAt: Date;
}

type Block = Record<string, unknown>;

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text: truncate(text, SECTION_LIMIT) });
const plain = (text: string) => ({ type: 'plain_text', text, emoji: false });

function summary(review: SlackReviewView): Block[] {
  const reasons = [...review.request.reasons, ...review.request.confidenceReasons].map(escapeMrkdwn).join(', ');
  const draft = truncate(escapeMrkdwn(review.request.draft), DRAFT_SHOWN, '… (truncated, full draft in the review UI)');
  return [
    { type: 'header', text: plain(truncate(`Review: ${review.subject || '(no subject)'}`, 150)) },
    {
      type: 'section',
      fields: [
        mrkdwn(`*From*\n${escapeMrkdwn(review.fromAddress)}`),
        mrkdwn(`*Category*\n${escapeMrkdwn(review.category)}`),
        mrkdwn(`*Confidence*\n${Math.round(review.confidence * 100)}%`),
        mrkdwn(`*Why a person*\n${reasons || '—'}`),
        ...(review.request.auditSample
          ? [mrkdwn('*Audit sample*\nThis would have gone out alone; your decision checks the gate.')]
          : []),
      ],
    },
    ...(review.followUp ? [wroteAgain(review.followUp)] : []),
    { type: 'section', block_id: 'draft', text: mrkdwn(`*Draft reply*\n${draft ? quote(draft) : '_no draft_'}`) },
    ...sourceBlocks(review.request),
  ];
}

const FOLLOW_UP_SHOWN = 1_000;

/** "Customer wrote again" and their newer message, quoted like the draft (it is the customer's text: data). */
function wroteAgain(followUp: NonNullable<SlackReviewView['followUp']>): Block {
  const text = truncate(escapeMrkdwn(followUp.text), FOLLOW_UP_SHOWN, '… (truncated, full message in the review UI)');
  const lead =
    followUp.kind === 'supersedes'
      ? ':speech_balloon: *Customer wrote again* — this draft answers the whole conversation, newest message:'
      : ':speech_balloon: *Customer wrote again* — their newer message:';
  return { type: 'section', block_id: 'follow_up', text: mrkdwn(`${lead}\n${quote(text)}`) };
}

/** A review closed because the customer wrote again: the newer message, a link, and no buttons. */
export function supersededBlocks(review: SlackReviewView): Block[] {
  return [
    ...summary(review),
    {
      type: 'context',
      block_id: 'outcome',
      elements: [
        mrkdwn(`:fast_forward: Superseded: a newer draft answers the conversation · <${review.link}|Open in Handoff>`),
      ],
    },
  ];
}

/** Characters of each cited passage shown in Slack; the review UI shows it whole. */
const PASSAGE_SHOWN = 200;

/** A link Slack cannot be tricked by: the characters that end or split `<url|text>` are percent-encoded. */
const slackUrl = (url: string) => url.replace(/[<>|\s]/g, (c) => encodeURIComponent(c));

/**
 * The knowledge passages the draft cites: title (linked when the article has a URL) and the start of the
 * passage. Titles and passages are data, escaped like email text. None when the draft cites nothing.
 */
export function sourceBlocks(request: Pick<ReviewRequest, 'citations'>): Block[] {
  const citations = request.citations ?? [];
  if (citations.length === 0) return [];
  const lines = citations.map((citation, index) => {
    const title = escapeMrkdwn(truncate(citation.title, 150));
    const heading = citation.url ? `<${slackUrl(citation.url)}|${title}>` : `*${title}*`;
    const passage = escapeMrkdwn(truncate(citation.chunk.replace(/\s+/g, ' ').trim(), PASSAGE_SHOWN));
    return `[${index + 1}] ${heading}\n${quote(passage)}`;
  });
  return [{ type: 'section', block_id: 'sources', text: mrkdwn(`*Sources*\n${lines.join('\n')}`) }];
}

const quote = (text: string) =>
  text
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');

const button = (text: string, actionId: string, reviewId: string, style?: 'primary' | 'danger') => ({
  type: 'button',
  text: plain(text),
  action_id: actionId,
  value: reviewId,
  ...(style ? { style } : {}),
});

/** Fallback text for notifications and screen readers; the blocks carry the content. */
export const reviewFallback = (review: SlackReviewView) =>
  `Review needed: ${escapeMrkdwn(truncate(review.subject, 200))} from ${escapeMrkdwn(review.fromAddress)}`;

/** The message of a pending review: its summary, the four decisions and a link to the UI. */
export function reviewBlocks(review: SlackReviewView): Block[] {
  return [
    ...summary(review),
    {
      type: 'actions',
      block_id: 'decision',
      elements: [
        button('Approve', SLACK_ACTIONS.approve, review.reviewId, 'primary'),
        button('Edit', SLACK_ACTIONS.edit, review.reviewId),
        button('Reject', SLACK_ACTIONS.reject, review.reviewId, 'danger'),
        ...(review.request.redraftsRemaining > 0 ? [button('Redraft', SLACK_ACTIONS.redraft, review.reviewId)] : []),
        categoryMenu(review),
        { type: 'button', text: plain('Open in Handoff'), action_id: SLACK_ACTIONS.open, url: review.link },
      ],
    },
  ];
}

/** The separator in a category option's value: `<reviewId>|<category>` (a select has no value of its own). */
const OPTION_SEPARATOR = '|';

/** "Wrong category?": picking one corrects it, and the reply is redrafted for it. Slack allows 100 options. */
function categoryMenu(review: SlackReviewView): Block {
  const current = review.request.classification.category;
  return {
    type: 'static_select',
    action_id: SLACK_ACTIONS.category,
    placeholder: plain('Wrong category?'),
    options: review.categories
      .filter((key) => key !== current)
      .slice(0, 100)
      .map((key) => ({ text: plain(key), value: `${review.reviewId}${OPTION_SEPARATOR}${key}` })),
  };
}

/** The review and category a category-menu choice names, or null for a value we did not make. */
export function parseCategoryOption(value: string | undefined): { reviewId: string; category: string } | null {
  const [reviewId, category, ...rest] = (value ?? '').split(OPTION_SEPARATOR);
  return reviewId && category && rest.length === 0 ? { reviewId, category } : null;
}

const OUTCOME: Record<SlackDecisionView['action'], string> = {
  approve: ':white_check_mark: Approved',
  edit: ':pencil2: Edited and approved',
  reject: ':no_entry: Rejected',
  redraft: ':arrows_counterclockwise: Redraft requested',
  recategorise: ':label: Category corrected',
};

/** A date Slack shows in the reader's time zone, with the ISO time as fallback. */
export function slackDate(at: Date): string {
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time}|${at.toISOString()}>`;
}

/** The same message once decided: who decided what and when, and no buttons. */
export function decidedBlocks(review: SlackReviewView, decision: SlackDecisionView): Block[] {
  return [
    ...summary(review),
    {
      type: 'context',
      block_id: 'outcome',
      elements: [
        mrkdwn(
          `${OUTCOME[decision.action]}${decision.category ? ` to ${escapeMrkdwn(decision.category)}` : ''} by ${escapeMrkdwn(decision.actor)} ${slackDate(decision.decidedAt)} · <${review.link}|Open in Handoff>`,
        ),
      ],
    },
  ];
}

/** A modal asking for the text a decision needs; the review id travels in private_metadata. */
export function decisionModal(
  kind: 'edit' | 'reject' | 'redraft',
  reviewId: string,
  channel: string,
  draft = '',
): Record<string, unknown> {
  const copy = {
    edit: { title: 'Edit and approve', label: 'Reply', submit: 'Approve edited' },
    reject: { title: 'Reject', label: 'Reason (for the audit log)', submit: 'Reject' },
    redraft: { title: 'Ask for a redraft', label: 'What should change?', submit: 'Redraft' },
  }[kind];
  return {
    type: 'modal',
    callback_id: SLACK_VIEWS[kind],
    private_metadata: JSON.stringify({ reviewId, channel }),
    title: plain(copy.title),
    submit: plain(copy.submit),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: SLACK_INPUT.block,
        label: plain(copy.label),
        element: {
          type: 'plain_text_input',
          action_id: SLACK_INPUT.action,
          multiline: true,
          max_length: INPUT_LIMIT,
          // Plain text input shows text as typed: no mrkdwn, so no escaping.
          ...(draft ? { initial_value: draft } : {}),
        },
      },
    ],
  };
}
