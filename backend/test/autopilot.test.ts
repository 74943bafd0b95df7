import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  CalibrationHistorySchema,
  CalibrationSchema,
  QueuePageSchema,
  ReviewDetailSchema,
  RunDetailsSchema,
  type Calibration,
  type RunDetails,
} from '@handoff/contracts';
import { drawnForAudit } from '@handoff/graphs';
import { startFakeOpenAIServer, triageResponder, type FakeOpenAIServer } from '@handoff/graphs/testing';
import { ApiClient } from './support/api-client';
import { orderStatusEmail } from './support/emails';
import { eventually, TEST_ADMIN, useWorldWithSmtp } from './support/test-service';

/**
 * The learned gate end to end on the real stack (Postgres, Redis, SMTP on loopback, the OpenAI-compatible
 * fake): a scripted reviewer approves right-category drafts and corrects wrong ones over the API; after a
 * recompute exactly the category that earned it auto-sends; audits arrive at the configured rate; and the
 * category drops back to review by itself once an audit fails.
 *
 * Target 0.85 with 20 outcomes at least (not the defaults 0.98 and 30: 0.98 needs 133 perfect outcomes per
 * category) keeps the batches small while the bound still decides: 20 perfect outcomes bound precision at 0.881,
 * 14 of 21 at well under the target. The statistics at 0.98 are covered by graphs/src/gate/statistics.spec.ts.
 * Each batch is sent at once and the scripted reviewer works it concurrently: what a run proves does not depend
 * on the order of runs, only the demotion step goes a few runs at a time so it stops soon after the drop.
 */
const TARGET = 0.85;
const MIN_EVIDENCE = 20;
const AUDIT_RATE = 0.2;
const CONFIDENCE = 0.9;

/** What the fake model says about each email, keyed by a reference only that email carries. */
const modelSays = new Map<string, string>();
let nextRef = 0;

const llmResponder = triageResponder((prompt) => {
  const ref = [...prompt.matchAll(/reference AP(\d+)/g)][0]?.[1];
  const category = (ref && modelSays.get(ref)) ?? 'other';
  // Drafting is told the category (a reviewer's correction included) and writes for it.
  const drafting = /Category: ([a-z_]+)\./.exec(prompt)?.[1] ?? category;
  return {
    classification: {
      category,
      intent: 'asks a question',
      language: 'en',
      urgency: 'normal',
      riskFlags: [],
      categoryConfidence: 0.95,
    },
    draft: `Hello,\n\nThanks for writing about your ${drafting.replace('_', ' ')} question; here is the answer you need.\n\nBest regards,\nSupport`,
    assessment: { confidence: CONFIDENCE, reasons: ['answers the question'] },
  };
});

interface Sent {
  runId: string;
  truth: string;
  modelCategory: string;
}

const TEXT: Record<string, string> = {
  order_status: 'my parcel has not arrived yet, can you tell me where it is',
  shipping: 'which carriers do you ship with and how much does express delivery cost',
  billing: 'I was charged twice on my card this month and need one charge refunded',
};

const context = { api: undefined as unknown as ApiClient, server: undefined as unknown as FakeOpenAIServer };
const { world } = useWorldWithSmtp(async () => {
  context.server = await startFakeOpenAIServer({ responder: llmResponder });
  const service = await world.start({
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: context.server.baseURL,
    OPENAI_API_KEY: context.server.apiKey,
    AUTO_SEND_MODE: 'learned',
    AUTO_SEND_TARGET_PRECISION: String(TARGET),
    AUTO_SEND_MIN_EVIDENCE: String(MIN_EVIDENCE),
    AUTO_SEND_AUDIT_RATE: String(AUDIT_RATE),
    // Only the test's recomputes and the failed-audit trigger change the gate.
    CALIBRATION_INTERVAL_MS: String(60 * 60_000),
    WORKER_CONCURRENCY: '8',
  });
  context.api = new ApiClient(service.url);
});
after(() => context.server.close());

async function send(truth: string, modelCategory: string): Promise<Sent> {
  const ref = String(++nextRef);
  modelSays.set(ref, modelCategory);
  const response = await context.api.post(
    '/api/v1/events/email',
    orderStatusEmail({ subject: `Question, reference AP${ref}`, text: `Hello, ${TEXT[truth]}. Reference AP${ref}.` }),
  );
  assert.equal(response.status, 202, JSON.stringify(response.body));
  return { runId: response.body.runId, truth, modelCategory };
}

const SETTLED = ['awaiting_review', 'sending', 'sent'];
const settled = (runId: string) =>
  context.api.waitForRun(runId, SETTLED, 60_000).then((run) => RunDetailsSchema.parse(run));

/**
 * Waits for a whole batch with one query per poll (a request per run and poll would load the very service
 * doing the work), then reads each run once over the API.
 */
async function settledAll(batch: Sent[]): Promise<RunDetails[]> {
  const ids = batch.map((sent) => sent.runId);
  await eventually(
    async () => {
      const [row] = await world.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM workflow_runs WHERE id = ANY($1::uuid[]) AND status = ANY($2::text[])`,
        [ids, SETTLED],
      );
      return row!.n === ids.length || undefined;
    },
    `${ids.length} runs to settle`,
    60_000,
  );
  return Promise.all(ids.map(async (id) => RunDetailsSchema.parse((await context.api.get(`/api/v1/runs/${id}`)).body)));
}

async function review(reviewId: string) {
  return ReviewDetailSchema.parse((await context.api.get(`/api/v1/reviews/${reviewId}`)).body);
}

/** The scripted reviewer: approves a right category; corrects a wrong one, then approves the redraft. */
async function reviewerHandles(sent: Sent, run: RunDetails): Promise<'approved' | 'corrected'> {
  assert.equal(run.status, 'awaiting_review');
  const reviewId = run.reviewId!;
  if (sent.modelCategory === sent.truth) {
    assert.equal((await context.api.post(`/api/v1/reviews/${reviewId}/decision`, { action: 'approve' })).status, 200);
    return 'approved';
  }
  const corrected = await context.api.post(`/api/v1/reviews/${reviewId}/category`, { category: sent.truth });
  assert.equal(corrected.status, 200, JSON.stringify(corrected.body));
  assert.equal(corrected.body.action, 'recategorise');
  const redrafted = await eventually(async () => {
    const detail = await review(reviewId);
    return detail.status === 'pending' && detail.round === 1 ? detail : undefined;
  }, `the redraft of review ${reviewId}`);
  assert.equal(redrafted.request.classification.category, sent.truth);
  assert.ok(redrafted.request.reasons.includes('category_corrected'));
  assert.equal(redrafted.request.redraftsRemaining, 3, 'a correction does not use a redraft');
  assert.match(redrafted.request.draft, new RegExp(sent.truth.replace('_', ' ')));
  assert.equal((await context.api.post(`/api/v1/reviews/${reviewId}/decision`, { action: 'approve' })).status, 200);
  return 'corrected';
}

async function calibration(): Promise<Calibration> {
  return CalibrationSchema.parse((await context.api.get('/api/v1/calibration')).body);
}
const categoryOf = (snapshot: Calibration, key: string) => snapshot.categories.find((row) => row.category === key)!;

describe('the learned auto-send gate', () => {
  const batch1: Sent[] = [];

  test('with no evidence nothing goes out alone; reviewer verdicts become labels', async () => {
    const truths = [
      ...Array.from({ length: MIN_EVIDENCE }, () => ['order_status', 'order_status']),
      // Shipping: the model is wrong a third of the time (billing questions it takes for shipping).
      ...Array.from({ length: 21 }, (_, i) => [i % 3 === 0 ? 'billing' : 'shipping', 'shipping']),
    ];
    batch1.push(...(await Promise.all(truths.map(([truth, model]) => send(truth!, model!)))));
    // The reviewers work the whole queue at once, as a team would.
    const runs = await settledAll(batch1);
    const outcomes = await Promise.all(
      batch1.map(async (sent, i) => {
        const run = runs[i]!;
        assert.deepEqual(run.routing, {
          decision: 'review',
          reasons: ['not_yet_earned'],
          threshold: null,
          mode: 'learned',
          auditSample: false,
        });
        return reviewerHandles(sent, run);
      }),
    );
    assert.equal(outcomes.filter((outcome) => outcome === 'corrected').length, 7);
    await world.queuesDrained(60_000);
    const labels = await world.query<{ outcome: string; round: number; n: number }>(
      `SELECT outcome, round, count(*)::int AS n FROM review_labels GROUP BY outcome, round ORDER BY round, outcome`,
    );
    assert.deepEqual(labels, [
      { outcome: 'recategorised', round: 0, n: 7 },
      { outcome: 'sent_unedited', round: 0, n: 34 },
      { outcome: 'sent_unedited', round: 1, n: 7 },
    ]);
    const audit = await world.query<{ data: { from: string; to: string } }>(
      `SELECT data FROM audit_log WHERE action = 'review.recategorise'`,
    );
    assert.equal(audit.length, 7);
    assert.deepEqual(audit[0]!.data.from, 'shipping');
    assert.deepEqual(audit[0]!.data.to, 'billing');
  });

  test('a correction naming an unknown or the same category is refused with nothing stored', async () => {
    const sent = await send('order_status', 'order_status');
    const run = await settled(sent.runId);
    const unknown = await context.api.post(`/api/v1/reviews/${run.reviewId}/category`, { category: 'astrology' });
    assert.equal(unknown.status, 422);
    const same = await context.api.post(`/api/v1/reviews/${run.reviewId}/category`, { category: 'order_status' });
    assert.equal(same.status, 422);
    assert.equal((await context.api.post(`/api/v1/reviews/${run.reviewId}/category`, {})).status, 400);
    assert.equal((await review(run.reviewId!)).decisions.length, 0);
    // Leave the queue as the scripted reviewer would.
    await context.api.post(`/api/v1/reviews/${run.reviewId}/decision`, { action: 'approve' });
  });

  test('recompute turns the gate on for exactly the category that earned it (admin only)', async () => {
    const admin = await ApiClient.signIn(context.api.baseUrl, TEST_ADMIN.email, TEST_ADMIN.password);
    const created = await admin.post('/api/v1/reviewers', {
      email: 'rita@handoff.test',
      name: 'Rita',
      password: 'reviewer-password-1',
    });
    assert.equal(created.status, 201);
    const reviewer = await ApiClient.signIn(context.api.baseUrl, 'rita@handoff.test', 'reviewer-password-1');
    assert.equal((await reviewer.post('/api/v1/calibration/recompute')).status, 403);
    assert.equal((await reviewer.request('PUT', '/api/v1/calibration/billing', { mode: 'auto' })).status, 403);
    assert.equal((await reviewer.get('/api/v1/calibration')).status, 200);
    assert.equal((await new ApiClient(context.api.baseUrl, null).get('/api/v1/calibration')).status, 401);

    const recomputed = await context.api.post('/api/v1/calibration/recompute');
    assert.equal(recomputed.status, 200);
    const snapshot = CalibrationSchema.parse(recomputed.body);
    assert.equal(snapshot.target, TARGET);
    assert.deepEqual(
      snapshot.categories.filter((row) => row.mode === 'auto').map((row) => row.category),
      ['order_status'],
    );
    const order = categoryOf(snapshot, 'order_status');
    assert.equal(order.threshold, CONFIDENCE);
    assert.equal(order.evidence, MIN_EVIDENCE + 1);
    assert.equal(order.successes, MIN_EVIDENCE + 1);
    assert.ok(order.precisionLowerBound! >= TARGET);
    assert.equal(order.coverage, 1);
    assert.ok(order.curve.length >= 1);
    const shipping = categoryOf(snapshot, 'shipping');
    assert.equal(shipping.mode, 'review');
    assert.equal(shipping.evidence, 21);
    assert.equal(shipping.successes, 14);
    assert.ok(shipping.precisionLowerBound! < TARGET);
    const history = CalibrationHistorySchema.parse((await context.api.get('/api/v1/calibration/history')).body);
    assert.deepEqual(
      history.items.map((item) => [item.category, item.fromMode, item.toMode, item.cause]),
      [['order_status', 'review', 'auto', 'earned']],
    );
  });

  const batch2: Sent[] = [];
  test('a later batch: auto-sends meet the target and audits are drawn at the configured rate', async () => {
    batch2.push(...(await Promise.all(Array.from({ length: 30 }, () => send('order_status', 'order_status')))));
    let audits = 0;
    let autoSent = 0;
    let autoSentRight = 0;
    const runs = await settledAll(batch2);
    const audited: Promise<unknown>[] = [];
    for (const [i, sent] of batch2.entries()) {
      const run = runs[i]!;
      const drawn = drawnForAudit(sent.runId, AUDIT_RATE);
      // The same draw the route step made: a hash of the run id, so retries agree.
      assert.equal(run.routing?.auditSample, drawn, `run ${sent.runId}`);
      if (drawn) {
        audits += 1;
        assert.deepEqual(run.routing?.reasons, ['audit_sample']);
        audited.push(
          review(run.reviewId!).then((detail) => {
            assert.equal(detail.request.auditSample, true);
            return reviewerHandles(sent, run);
          }),
        );
      } else {
        autoSent += 1;
        if (sent.truth === run.classification?.category) autoSentRight += 1;
        assert.deepEqual(run.routing, {
          decision: 'auto_send',
          reasons: [],
          threshold: CONFIDENCE,
          mode: 'learned',
          auditSample: false,
        });
      }
    }
    await Promise.all(audited);
    assert.ok(autoSent > 0);
    assert.ok(autoSentRight / autoSent >= TARGET);
    // Stated tolerance: three binomial standard deviations at n = 30, p = 0.2 (±0.22).
    const tolerance = 3 * Math.sqrt((AUDIT_RATE * (1 - AUDIT_RATE)) / batch2.length);
    assert.ok(Math.abs(audits / batch2.length - AUDIT_RATE) <= tolerance, `audit rate ${audits / batch2.length}`);
    const queue = QueuePageSchema.parse((await context.api.get('/api/v1/reviews?status=decided&limit=200')).body);
    assert.equal(queue.items.filter((item) => item.auditSample).length, audits);
  });

  test('when audits start failing the category drops back to review by itself, audited and measured', async () => {
    // The model starts taking billing questions for order status; only audits reach a person.
    // Five runs at a time; the reviewer settles each group's audits one by one, looking after each.
    let demoted = false;
    let failedAudits = 0;
    for (let sentSoFar = 0; sentSoFar < 60 && !demoted; sentSoFar += 5) {
      const group = await Promise.all(Array.from({ length: 5 }, () => send('billing', 'order_status')));
      const runs = await settledAll(group);
      for (const [i, sent] of group.entries()) {
        if (demoted || !runs[i]!.routing?.auditSample) continue;
        const before = (await calibration()).updatedAt;
        await reviewerHandles(sent, runs[i]!);
        // A failed audit recomputes the gate at once; wait for that recompute, then look.
        const after = await eventually(async () => {
          const snapshot = await calibration();
          return snapshot.updatedAt !== before ? snapshot : undefined;
        }, 'the recompute a failed audit starts');
        demoted = categoryOf(after, 'order_status').mode === 'review';
        failedAudits += 1;
      }
    }
    assert.ok(demoted, `failed audits demote the category (${failedAudits} so far)`);
    const history = CalibrationHistorySchema.parse((await context.api.get('/api/v1/calibration/history')).body);
    assert.deepEqual(
      [history.items[0]!.category, history.items[0]!.cause, history.items[0]!.actor, history.items[0]!.toMode],
      ['order_status', 'demoted', 'system', 'review'],
    );
    const audit = await world.query(`SELECT 1 FROM audit_log WHERE action = 'calibration.demoted'`);
    assert.equal(audit.length, 1);
    const metrics = (await context.api.get<string>('/metrics')).body;
    assert.match(metrics, /handoff_autosend_mode\{category="order_status"\} 0/);
    assert.match(metrics, /handoff_autosend_precision_lower_bound\{category="order_status"\} 0\.[0-8]/);
    assert.match(metrics, /handoff_autosend_mode_changes_total\{category="order_status",cause="demoted"\} 1/);

    const next = await settled((await send('order_status', 'order_status')).runId);
    assert.deepEqual(next.routing?.reasons, ['not_yet_earned']);
    await context.api.post(`/api/v1/reviews/${next.reviewId}/decision`, { action: 'approve' });
  });

  test('an admin pin wins over the evidence until lifted, and is audited', async () => {
    const pinned = await context.api.request('PUT', '/api/v1/calibration/shipping', { mode: 'auto', threshold: 0.5 });
    assert.equal(pinned.status, 200, JSON.stringify(pinned.body));
    const shipping = categoryOf(CalibrationSchema.parse(pinned.body), 'shipping');
    assert.deepEqual(
      [shipping.mode, shipping.threshold, shipping.override],
      ['auto', 0.5, { mode: 'auto', threshold: 0.5 }],
    );
    assert.equal((await context.api.request('PUT', '/api/v1/calibration/nope', { mode: 'auto' })).status, 404);
    assert.equal(
      (await context.api.request('PUT', '/api/v1/calibration/shipping', { mode: 'review', threshold: 0.5 })).status,
      400,
    );
    const run = await settled((await send('shipping', 'shipping')).runId);
    assert.equal(run.routing?.mode, 'pinned');
    const lifted = await context.api.request('PUT', '/api/v1/calibration/shipping', { mode: 'learned' });
    assert.equal(categoryOf(CalibrationSchema.parse(lifted.body), 'shipping').mode, 'review');
    const audit = await world.query(`SELECT 1 FROM audit_log WHERE action = 'calibration.pinned'`);
    assert.equal(audit.length, 2);
  });
});
