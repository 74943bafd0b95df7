import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ApiClient } from './support/api-client';
import { complaintEmail, orderStatusEmail } from './support/emails';
import { useWorldWithSmtp } from './support/test-service';
import { WorkerProcess } from './support/worker-process';
import { UncertainDeliveryPageSchema } from '@handoff/contracts';
import { FINAL_RUN_STATUSES } from '../src/workflow/run-status';

const EVENTS = Number(process.env.CHAOS_EVENTS ?? 300);
const CHAOS_MS = 20_000;
const WORKERS = 3;

let api: ApiClient;
const { world, smtp } = useWorldWithSmtp(async () => {
  api = new ApiClient((await world.start({ APP_ROLE: 'api' })).url);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = (low: number, high: number) => low + Math.floor(Math.random() * (high - low));

/** Approves reviews of even-looking runs and rejects the rest, so both outcomes occur. */
async function decidePending(): Promise<void> {
  const page = await api.get('/api/v1/reviews?status=pending&limit=200');
  for (const review of page.body.items ?? []) {
    const approve = parseInt(review.runId.slice(-1), 16) % 2 === 0;
    await api.post(
      `/api/v1/reviews/${review.id}/decision`,
      approve ? { action: 'approve' } : { action: 'reject', reason: 'chaos' },
    );
  }
}

test(
  `${EVENTS} events under repeated SIGKILL of workers: every run finishes, no reply is sent twice`,
  { timeout: 330_000 },
  async () => {
    const workers = Array.from(
      { length: WORKERS },
      () => new WorkerProcess(world, { SMTP_URL: smtp.url, SWEEP_INTERVAL_MS: '500' }),
    );
    workers.forEach((worker) => worker.start());
    // The SMTP server pauses before answering RCPT TO (before our hand-over) and after taking the message
    // (inside the acceptance window), so kills land inside sends on both sides of the marker.
    smtp.slowDown({ rcpt: [0, 150], data: [0, 150] });

    const posted: { runId: string; messageId: string; kind: 'auto' | 'review' | 'ignored' }[] = [];
    for (let index = 0; index < EVENTS; index += 1) {
      const messageId = `<${randomUUID()}@customer.example>`;
      const kind = index % 5 === 0 ? 'ignored' : index % 5 === 1 ? 'review' : 'auto';
      const email =
        kind === 'review'
          ? complaintEmail({ messageId })
          : orderStatusEmail({
              messageId,
              ...(kind === 'ignored' ? { headers: { 'Auto-Submitted': 'auto-replied' } } : {}),
            });
      const accepted = await api.post('/api/v1/events/email', email);
      assert.equal(accepted.status, 202);
      posted.push({ runId: accepted.body.runId, messageId, kind });
    }

    let kills = 0;
    const chaosEnds = Date.now() + CHAOS_MS;
    while (Date.now() < chaosEnds) {
      await sleep(between(300, 1_200));
      const victim = workers[between(0, workers.length)]!;
      if (victim.running) {
        victim.kill('SIGKILL');
        kills += 1;
        await victim.exited();
        await sleep(between(100, 600));
        victim.start();
      }
      await decidePending();
    }

    // Calm: every worker up, keep deciding until each run is final or waits, visibly, in the operator queue.
    for (const worker of workers) if (!worker.running) worker.start();
    const deadline = Date.now() + 180_000;
    let open: number;
    do {
      await decidePending();
      await sleep(500);
      open = Number(
        (
          await world.query<{ count: string }>(`SELECT count(*) FROM workflow_runs WHERE NOT (status = ANY($1))`, [
            [...FINAL_RUN_STATUSES, 'delivery_uncertain'],
          ])
        )[0]!.count,
      );
    } while (open > 0 && Date.now() < deadline);
    assert.equal(open, 0, 'every accepted event reached a final state');

    const runs = await world.query<{ id: string; status: string; reply_status: string | null; error: string | null }>(
      `SELECT r.id, r.status, o.status AS reply_status, r.error FROM workflow_runs r LEFT JOIN outbound_messages o ON o.run_id = r.id`,
    );
    assert.equal(runs.length, EVENTS, 'one run per event, none lost, none duplicated');
    const byRun = new Map(runs.map((run) => [run.id, run]));
    const repliesTo = (messageId: string) => smtp.list().filter((mail) => mail.inReplyTo === messageId).length;

    const queue = UncertainDeliveryPageSchema.parse(
      (await api.get('/api/v1/deliveries?status=uncertain&limit=200')).body,
    );
    const queued = new Set(queue.items.map((item) => item.runId));
    let uncertain = 0;
    for (const event of posted) {
      const run = byRun.get(event.runId)!;
      const replies = repliesTo(event.messageId);
      assert.ok(replies <= 1, `run ${run.id} got ${replies} replies`);
      if (run.reply_status === 'uncertain') {
        // The documented window: killed between the SMTP server's acceptance and our bookkeeping.
        uncertain += 1;
        assert.equal(run.status, 'delivery_uncertain', 'its run waits, visibly');
        assert.ok(queued.has(run.id), `run ${run.id} is in the operator queue`);
        continue;
      }
      assert.notEqual(run.status, 'failed', `run ${run.id} failed: ${run.error}`);
      const shouldReply = run.status === 'sent';
      if (event.kind === 'ignored') assert.equal(run.status, 'ignored');
      if (event.kind === 'auto') assert.equal(run.status, 'sent');
      assert.equal(replies, shouldReply ? 1 : 0, `run ${run.id} (${event.kind}, ${run.status}) got ${replies} replies`);
    }
    assert.equal(queue.items.length, uncertain, 'the operator queue holds exactly the uncertain replies');
    const handedOverAgain = Number(
      (
        await world.query<{ n: string }>(
          `SELECT count(*) AS n FROM audit_log WHERE action = 'reply.sent' AND entity_id IN
             (SELECT id FROM outbound_messages WHERE attempts > 1)`,
        )
      )[0]!.n,
    );
    console.log(
      `chaos: ${kills} SIGKILLs, ${EVENTS} events, ${handedOverAgain} replies sent by a later attempt, ` +
        `${uncertain} replies in the uncertain window (operator queue)`,
    );
    assert.ok(kills >= 5, 'the chaos actually happened');
    assert.ok(uncertain <= EVENTS * 0.05, `${uncertain} uncertain replies`);

    for (const worker of workers) worker.kill('SIGTERM');
    for (const worker of workers) assert.equal(await worker.exited(), 0, 'SIGTERM exits cleanly');
  },
);
