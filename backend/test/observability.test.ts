import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { RunTimelineSchema } from '@handoff/contracts';
import { startFakeOpenAIServer, triageResponder, type FakeOpenAIServer } from '@handoff/graphs/testing';
import { WorkerMetricsServer } from '../src/observability/worker-metrics-server';
import { ApiClient } from './support/api-client';
import { complaintEmail, orderStatusEmail } from './support/emails';
import { eventually, TEST_API_KEY, useWorldWithSmtp } from './support/test-service';

const METRICS_TOKEN = 'metrics-token-0123456789';
const BODY_MARKER = 'lamp-with-a-very-distinctive-body-marker';
const spans = new InMemorySpanExporter();
const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const logLines: Record<string, unknown>[] = [];
let llm: FakeOpenAIServer;
let api: ApiClient;

const { smtp, world } = useWorldWithSmtp(async () => {
  llm = await startFakeOpenAIServer({
    responder: triageResponder((prompt) => ({
      classification: {
        category: prompt.includes('Terrible service') ? 'complaint' : 'order_status',
        intent: 'wants an answer',
        language: 'en',
        urgency: 'normal',
        riskFlags: [],
        categoryConfidence: 0.97,
      },
      draft: 'Hello,\n\nYour order left our warehouse yesterday.\n\nBest regards,\nSupport',
      assessment: { confidence: 0.95, reasons: ['answers the question'] },
    })),
  });
  const service = await world.start(
    {
      SMTP_URL: smtp.url,
      LLM_PROVIDER: 'openai',
      OPENAI_BASE_URL: llm.baseURL,
      OPENAI_API_KEY: llm.apiKey,
      LLM_MODEL: 'gpt-test',
      METRICS_TOKEN,
      LOG_LEVEL: 'info',
    },
    {
      logger: undefined,
      tracerProvider,
      logDestination: { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) },
    },
  );
  api = new ApiClient(service.url);
});
after(async () => {
  await llm.close();
  await tracerProvider.shutdown();
});

/** Parses the Prometheus text format into `name{labels}` → value. */
async function scrape(): Promise<Map<string, number>> {
  const response = await new ApiClient(api.baseUrl, METRICS_TOKEN).get<string>('/metrics');
  assert.equal(response.status, 200);
  const samples = new Map<string, number>();
  for (const line of response.body.split('\n')) {
    const match = /^([a-z_:]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}
const delta = (before: Map<string, number>, after: Map<string, number>, key: string) =>
  (after.get(key) ?? 0) - (before.get(key) ?? 0);

describe('observability of one message, end to end', () => {
  let runId: string;
  let eventId: string;
  let baseline: Map<string, number>;
  let afterAuto: Map<string, number>;

  before(async () => {
    baseline = await scrape();
    const accepted = await api.post(
      '/api/v1/events/email',
      orderStatusEmail({
        from: { address: 'obs@customer.example' },
        text: `Where is my ${BODY_MARKER}? Order #48213.`,
      }),
    );
    assert.equal(accepted.status, 202);
    ({ runId, eventId } = accepted.body);
    await api.waitForRun(runId, ['sent']);
    afterAuto = await eventually(async () => {
      const samples = await scrape();
      return delta(baseline, samples, 'handoff_deliveries_total{channel="email",status="sent"}') === 1
        ? samples
        : undefined;
    }, 'the delivery counter');
  });

  test('counters and histograms move for an auto-sent reply', () => {
    const moved = (key: string) => delta(baseline, afterAuto, key);
    assert.equal(moved('handoff_events_received_total{source="api",outcome="accepted"}'), 1);
    assert.equal(moved('handoff_runs_started_total'), 1);
    assert.equal(moved('handoff_runs_finished_total{outcome="auto_sent"}'), 1);
    // No knowledge base here: the reply is an ungrounded auto-send, and retrieval did not run.
    assert.equal(moved('handoff_autosend_total{grounded="false"}'), 1);
    assert.equal(moved('handoff_knowledge_retrieval_hits_count'), 0);
    for (const node of ['classify', 'follow_up', 'draft', 'score', 'route', 'send_request']) {
      assert.equal(moved(`handoff_step_duration_seconds_count{node="${node}"}`), 1, node);
    }
    // Two LLM calls per email: classify, then the draft with its self-assessment; score calls nothing.
    for (const node of ['classify', 'draft']) {
      assert.equal(moved(`handoff_llm_requests_total{model="gpt-test",node="${node}",outcome="ok"}`), 1, node);
    }
    assert.equal(moved('handoff_llm_requests_total{model="gpt-test",node="score",outcome="ok"}'), 0);
    assert.equal(moved('handoff_llm_request_duration_seconds_count{model="gpt-test"}'), 2);
    assert.ok(moved('handoff_llm_tokens_total{model="gpt-test",kind="prompt"}') > 0);
    assert.ok(moved('handoff_llm_tokens_total{model="gpt-test",kind="completion"}') > 0);
    assert.ok(afterAuto.has('handoff_queue_jobs{queue="workflow",state="waiting"}'));
    assert.ok(afterAuto.has('handoff_review_queue_depth'));
    for (const key of afterAuto.keys()) assert.ok(!key.includes(runId) && !key.includes(eventId), `id in ${key}`);
  });

  test('a reviewed reply moves the review gauges, the decision histogram and reviewed_sent', async () => {
    const accepted = await api.post(
      '/api/v1/events/email',
      complaintEmail({ from: { address: 'obs-review@customer.example' } }),
    );
    const run = await api.waitForRun(accepted.body.runId, ['awaiting_review']);
    const waiting = await scrape();
    assert.ok((waiting.get('handoff_review_queue_depth') ?? 0) >= 1);
    assert.ok((waiting.get('handoff_review_oldest_pending_age_seconds') ?? 0) >= 0);
    assert.equal((await api.post(`/api/v1/reviews/${run.reviewId}/decision`, { action: 'approve' })).status, 200);
    await api.waitForRun(accepted.body.runId, ['sent']);
    const decided = await eventually(async () => {
      const samples = await scrape();
      return delta(waiting, samples, 'handoff_runs_finished_total{outcome="reviewed_sent"}') === 1
        ? samples
        : undefined;
    }, 'reviewed_sent');
    assert.equal(delta(waiting, decided, 'handoff_review_decision_seconds_count{action="approve"}'), 1);

    // The decision, made minutes later in another request, joins the run's trace from ingest.
    // Delivery races the resumed graph, so the resume job's span may end after the delivery's.
    const expectedSpans = ['job run.start', 'review decision', 'job run.resume', 'deliver email'];
    const forRun = await eventually(
      async () => {
        const all = spans.getFinishedSpans().filter((span) => span.attributes['handoff.run_id'] === run.id);
        const names = new Set(all.map((span) => span.name));
        return expectedSpans.every((name) => names.has(name)) ? all : undefined;
      },
      `the reviewed run's spans: ${expectedSpans.join(', ')}`,
    );
    assert.equal(
      new Set(forRun.map((span) => span.spanContext().traceId)).size,
      1,
      'one trace from ingest to delivery',
    );
    assert.equal(decided.get('handoff_review_queue_depth'), 0);
    // The run reads `sent` once delivery records it, which may be before the graph's last steps are.
    const steps = await eventually(async () => {
      const timeline = RunTimelineSchema.parse((await api.get(`/api/v1/runs/${accepted.body.runId}/timeline`)).body);
      return timeline.steps.length >= 9 ? timeline.steps.map((step) => `${step.node}:${step.outcome}`) : undefined;
    }, 'the whole reviewed timeline');
    assert.deepEqual(steps.slice(0, 6), [
      'classify:completed',
      'follow_up:completed',
      'draft:completed',
      'score:completed',
      'route:completed',
      'review:approve',
    ]);
    // An approval queues the reply at once, so delivery races the resumed graph's last steps.
    assert.deepEqual(steps.slice(6).sort(), ['delivery:sent', 'review:completed', 'send_request:completed']);
  });

  test('/metrics needs METRICS_TOKEN or the admin key', async () => {
    assert.equal((await new ApiClient(api.baseUrl, null).get('/metrics')).status, 401);
    assert.equal((await new ApiClient(api.baseUrl, 'not-the-token-at-all-no').get('/metrics')).status, 401);
    assert.equal((await new ApiClient(api.baseUrl, TEST_API_KEY).get('/metrics')).status, 200);
  });

  test("the run's log lines carry its ids, and no body or key is ever logged", () => {
    const forRun = logLines.filter((line) => line.runId === runId);
    assert.ok(forRun.some((line) => line.msg === 'event accepted' && line.eventId === eventId && line.requestId));
    assert.ok(forRun.some((line) => line.route === '/api/v1/events/email' && line.status === 202));
    const jobLine = (job: string) => forRun.find((line) => line.msg === 'job completed' && line.job === job);
    assert.equal(jobLine('run.start')?.jobId, `start-${runId}`);
    assert.equal(jobLine('run.start')?.eventId, eventId);
    assert.match(String(jobLine('reply.deliver')?.jobId), /^deliver-/);
    assert.ok(
      forRun.every((line) => typeof line.traceId === 'string'),
      'log lines link to the trace',
    );
    const everything = logLines.map((line) => JSON.stringify(line)).join('\n');
    assert.ok(!everything.includes(BODY_MARKER), 'a message body was logged');
    assert.ok(!everything.includes(TEST_API_KEY) && !everything.includes(METRICS_TOKEN), 'a key was logged');
    assert.ok(logLines.every((line) => typeof line.level === 'string' && typeof line.time === 'string'));
  });

  test('one connected trace runs from ingest through the queue, nodes, LLM calls and decision to delivery', async () => {
    const finished = await eventually(async () => {
      const all = spans.getFinishedSpans();
      return all.some((span) => span.name === 'deliver email' && span.attributes['handoff.run_id'] === runId)
        ? all
        : undefined;
    }, 'the delivery span');
    const ingest = finished.find(
      (span) => span.name === 'HTTP POST /api/v1/events/email' && span.attributes['http.response.status_code'] === 202,
    );
    assert.ok(ingest);
    const traceId = ingest.spanContext().traceId;
    const trace = finished.filter((span) => span.spanContext().traceId === traceId);
    const names = trace.map((span) => span.name);
    for (const name of [
      'enqueue run.start',
      'job run.start',
      'node classify',
      'node draft',
      'node score',
      'node route',
      'node send_request',
      'llm gpt-test',
      'decision',
      'enqueue reply.deliver',
      'job reply.deliver',
      'deliver email',
    ]) {
      assert.ok(names.includes(name), `${name} is in the trace (got ${names.join(', ')})`);
    }
    const ids = new Set(trace.map((span) => span.spanContext().spanId));
    for (const span of trace) {
      if (span !== ingest) assert.ok(ids.has(span.parentSpanContext?.spanId ?? ''), `${span.name} hangs off the trace`);
    }
    const llmSpans = trace.filter((span) => span.name === 'llm gpt-test');
    assert.equal(llmSpans.length, 2);
    const parents = new Map(trace.map((span) => [span.spanContext().spanId, span.name]));
    assert.deepEqual(llmSpans.map((span) => parents.get(span.parentSpanContext!.spanId)).sort(), [
      'node classify',
      'node draft',
    ]);
  });

  test('the run timeline shows every step, its outcome and its LLM calls', async () => {
    const timeline = await api.get(`/api/v1/runs/${runId}/timeline`);
    assert.equal(timeline.status, 200);
    const { status, steps } = RunTimelineSchema.parse(timeline.body);
    assert.equal(status, 'sent');
    assert.deepEqual(
      steps.map((step) => step.node),
      ['classify', 'follow_up', 'draft', 'score', 'route', 'send_request', 'delivery'],
    );
    assert.equal(steps.at(-1)!.outcome, 'sent');
    for (const step of steps) assert.ok(step.durationMs !== null && step.durationMs >= 0, step.node);
    for (const node of ['classify', 'draft']) {
      const [call] = steps.find((step) => step.node === node)!.llmCalls;
      assert.ok(call, `${node} made an LLM call`);
      assert.equal(call.model, 'gpt-test', node);
      assert.ok((call.promptTokens ?? 0) > 0 && (call.completionTokens ?? 0) > 0 && call.latencyMs >= 0, node);
      const step = steps.find((candidate) => candidate.node === node)!;
      assert.ok(step.finishedAt, `${node} finished`);
      const [callStart, stepStart, stepEnd] = [call.startedAt, step.startedAt, step.finishedAt].map(Date.parse);
      assert.ok(
        stepStart! <= callStart! && callStart! + call.latencyMs <= stepEnd!,
        `${node}: the call lies within its step`,
      );
    }
    for (const node of ['score', 'route']) assert.equal(steps.find((step) => step.node === node)!.llmCalls.length, 0);
  });

  test('readiness reports SMTP and LLM reachability without depending on them', async () => {
    const ready = await new ApiClient(api.baseUrl, null).get('/health/ready');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.info, { smtp: 'up', llm: 'up' });
  });

  test('a worker-only process serves its own /metrics on METRICS_PORT', async () => {
    const worker = await world.start({
      APP_ROLE: 'worker',
      METRICS_PORT: '0',
      METRICS_TOKEN,
      DEV_MAIL_CATCHER_PORT: '0',
    });
    const port = worker.app.get(WorkerMetricsServer).port;
    assert.ok(port);
    const scraper = new ApiClient(`http://127.0.0.1:${port}`, METRICS_TOKEN);
    const response = await scraper.get<string>('/metrics');
    assert.equal(response.status, 200);
    assert.match(response.body, /^# TYPE handoff_step_duration_seconds histogram$/m);
    assert.match(response.body, /^handoff_queue_jobs\{queue="workflow",state="waiting"\}/m);
    assert.equal((await new ApiClient(scraper.baseUrl, null).get('/metrics')).status, 401);
    await world.stop(worker);
  });
});
