import type {
  ModelVersion,
  Article,
  ArticleInput,
  AssignInput,
  CategoryCorrectionInput,
  ClaimResponse,
  ConflictBody,
  CreateReviewerInputSchema,
  DecisionInput,
  DecisionOutcome,
  LinkSlackUserInput,
  LoginInput,
  ResolveDeliveryRequest,
  ResolveDeliveryResponse,
  Reviewer,
  SaveReplyAsArticleInputSchema,
  SessionResponse,
  UpdateReviewerInput,
} from '@handoff/contracts';
import type { z } from 'zod';

type Contracts = typeof import('@handoff/contracts');
/** The schemas (and zod with them) load with the first write, so no page carries them before anyone acts. */
const loadContracts = (): Promise<Contracts> => import('@handoff/contracts');

/** Browser-side calls to this UI's own /api/v1 proxy (never to the backend directly). */
export interface ApiResult<T = unknown> {
  status: number;
  ok: boolean;
  /** The answer on success; null otherwise. */
  body: T | null;
  message: string;
  /** A 409's body: who decided or holds the review first. */
  conflict: ConflictBody | null;
}

async function callApi<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return {
      status: 0,
      ok: false,
      body: null,
      message: 'The server could not be reached. Check your connection and try again.',
      conflict: null,
    };
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  const raw =
    parsed && typeof parsed === 'object' && 'message' in parsed ? (parsed as { message: unknown }).message : undefined;
  const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : `HTTP ${response.status}`;
  const conflict = response.status === 409 ? (await loadContracts()).ConflictBodySchema.safeParse(parsed) : null;
  return {
    status: response.status,
    ok: response.ok,
    body: response.ok ? (parsed as T) : null,
    message,
    conflict: conflict?.success ? conflict.data : null,
  };
}

/**
 * Sends a body the backend validates with `schema`, after checking it here with the same schema, so a
 * malformed write never leaves the browser and the reviewer reads what is wrong at once.
 */
async function sendValid<T>(
  method: string,
  path: string,
  schemaOf: (contracts: Contracts) => z.ZodType,
  input: unknown,
): Promise<ApiResult<T>> {
  const checked = schemaOf(await loadContracts()).safeParse(input);
  if (!checked.success) {
    const message = checked.error.issues
      .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
      .join('; ');
    return { status: 400, ok: false, body: null, message, conflict: null };
  }
  return callApi<T>(method, path, checked.data);
}

const review = (id: string) => `/reviews/${encodeURIComponent(id)}`;
const article = (id: string) => `/knowledge/articles/${encodeURIComponent(id)}`;
const reviewer = (id: string) => `/reviewers/${encodeURIComponent(id)}`;

/** Every write the browser makes, each typed with the contract schema the backend validates it with. */
export const writes = {
  activateModel: (version: number) =>
    callApi<ModelVersion>('POST', `/models/${encodeURIComponent(String(version))}/activate`),
  retrainModel: () => sendValid<ModelVersion>('POST', '/models/retrain', (c) => c.RetrainInputSchema, {}),
  login: (input: LoginInput) => sendValid<SessionResponse>('POST', '/auth/login', (c) => c.LoginInputSchema, input),
  logout: () => callApi<void>('POST', '/auth/logout'),
  decide: (reviewId: string, input: DecisionInput) =>
    sendValid<DecisionOutcome>('POST', `${review(reviewId)}/decision`, (c) => c.DecisionInputSchema, input),
  correctCategory: (reviewId: string, input: CategoryCorrectionInput) =>
    sendValid<DecisionOutcome>('POST', `${review(reviewId)}/category`, (c) => c.CategoryCorrectionInputSchema, input),
  claim: (reviewId: string) => callApi<ClaimResponse>('POST', `${review(reviewId)}/claim`),
  release: (reviewId: string) => callApi<ClaimResponse>('DELETE', `${review(reviewId)}/claim`),
  assign: (reviewId: string, input: AssignInput) =>
    sendValid<ClaimResponse>('POST', `${review(reviewId)}/assign`, (c) => c.AssignInputSchema, input),
  // The role may be left out: the schema defaults it to reviewer.
  createReviewer: (input: z.input<typeof CreateReviewerInputSchema>) =>
    sendValid<Reviewer>('POST', '/reviewers', (c) => c.CreateReviewerInputSchema, input),
  resolveDelivery: (id: string, input: ResolveDeliveryRequest) =>
    sendValid<ResolveDeliveryResponse>(
      'POST',
      `/deliveries/${encodeURIComponent(id)}/resolve`,
      (c) => c.ResolveDeliveryRequestSchema,
      input,
    ),
  updateReviewer: (id: string, input: UpdateReviewerInput) =>
    sendValid<Reviewer>('PATCH', reviewer(id), (c) => c.UpdateReviewerInputSchema, input),
  linkSlackUser: (id: string, input: LinkSlackUserInput) =>
    sendValid<Reviewer>('PUT', `${reviewer(id)}/slack-user`, (c) => c.LinkSlackUserInputSchema, input),
  createArticle: (input: ArticleInput) =>
    sendValid<Article>('POST', '/knowledge/articles', (c) => c.ArticleInputSchema, input),
  updateArticle: (id: string, input: ArticleInput) =>
    sendValid<Article>('PUT', article(id), (c) => c.ArticleInputSchema, input),
  deleteArticle: (id: string) => callApi<void>('DELETE', article(id)),
  saveAsArticle: (reviewId: string, input: z.input<typeof SaveReplyAsArticleInputSchema>) =>
    sendValid<Article>('POST', `${review(reviewId)}/save-as-article`, (c) => c.SaveReplyAsArticleInputSchema, input),
};

/** True when a key press happened while typing, so single-letter shortcuts must not fire. */
export function isTyping(event: KeyboardEvent): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey) return true;
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
