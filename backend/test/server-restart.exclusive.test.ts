import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { UncertainDeliveryPageSchema } from '@handoff/contracts';
import { FINAL_RUN_STATUSES } from '../src/workflow/run-status';
import { ApiClient } from './support/api-client';
import { orderStatusEmail } from './support/emails';
import { eventually, useWorldWithSmtp } from './support/test-service';
import { WorkerProcess } from './support/worker-process';

// Restarts the machine's own Redis and PostgreSQL, so it disturbs every other
// suite: the name ends in .exclusive.test so the runner runs it alone, last.
// It is also the chaos run: while 300 emails flow, workers are SIGKILLed
// inside SMTP DATA and both servers are restarted, then each customer is checked.

const EVENTS = 300;
const WORKERS = 3;
/** Between two posts: the stream lasts about as long as the chaos, so every step lands in traffic. */
const PACE_MS = 20;
const REDIS_PORT = '6379';
const PG_CLUSTER = () => [readdirSync('/etc/postgresql')[0]!, 'main'];

const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: 'pipe', timeout: 60_000 });
const succeeds = (command: string, args: string[]) => {
  try {
    run(command, args);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const redisUp = () => succeeds('redis-cli', ['-p', REDIS_PORT, 'ping']);
const postgresUp = () => succeeds('pg_isready', ['-h', '127.0.0.1', '-q']);

function startRedis(): void {
  if (redisUp()) return;
  run('redis-server', [
    '--daemonize',
    'yes',
    '--bind',
    '127.0.0.1',
    '--port',
    REDIS_PORT,
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
}

function startPostgres(): void {
  if (!postgresUp()) succeeds('pg_ctlcluster', ['--skip-systemctl-redirect', ...PG_CLUSTER(), 'start']);
}

/** Whatever happened, both servers are running again afterwards. */
async function bringBothBack(): Promise<void> {
  startRedis();
  startPostgres();
  await eventually(async () => (redisUp() && postgresUp()) || undefined, 'Redis and PostgreSQL back up', 60_000);
}

/** Redis shut down without saving (every queued job gone) and started again 2 s later. */
async function restartRedis(): Promise<void> {
  try {
    succeeds('redis-cli', ['-p', REDIS_PORT, 'shutdown', 'nosave']);
    await eventually(async () => (!redisUp() ? true : undefined), 'Redis down');
    await sleep(2_000);
    startRedis();
  } finally {
    await bringBothBack();
  }
}

/** PostgreSQL stopped (fast: sessions cut) and started again 2 s later. */
async function restartPostgres(): Promise<void> {
  try {
    run('pg_ctlcluster', ['--skip-systemctl-redirect', ...PG_CLUSTER(), 'stop', '-m', 'fast']);
    await sleep(2_000);
    run('pg_ctlcluster', ['--skip-systemctl-redirect', ...PG_CLUSTER(), 'start']);
  } finally {
    await bringBothBack();
  }
}

let api: ApiClient;
const { world, smtp } = useWorldWithSmtp(async () => {
  await bringBothBack();
  api = new ApiClient((await world.start({ APP_ROLE: 'api' })).url);
});
after(bringBothBack);

interface Customer {
  address: string;
  messageId: string;
  /** An auto-reply from the customer's side: the loop guard ignores it, nobody answers it. */
  ignored: boolean;
  runId?: string;
  /** Answers before the final 202: 503 while PostgreSQL is away, 0 for a dropped connection. */
  refusals: number[];
}

/** Posts like a real sender: 503 or a dropped connection means "try again later". */
async function post(customer: Customer): Promise<void> {
  const email = orderStatusEmail({
    messageId: customer.messageId,
    from: { address: customer.address, name: 'Rita' },
    ...(customer.ignored ? { headers: { 'Auto-Submitted': 'auto-replied' } } : {}),
  });
  for (let attempt = 0; attempt < 400; attempt++) {
    const response = await api.post('/api/v1/events/email', email).catch(() => undefined);
    if (response && response.status !== 503) {
      assert.equal(response.status, 202, `final status after ${customer.refusals.join(',')}`);
      customer.runId = response.body.runId;
      return;
    }
    customer.refusals.push(response?.status ?? 0);
    await sleep(250);
  }
  throw new Error(`never accepted: ${customer.refusals.join(',')}`);
}

test(
  `${EVENTS} emails while workers are SIGKILLed inside SMTP DATA, Redis is wiped and PostgreSQL restarted: ` +
    'every answerable customer gets exactly one reply, or is in the operator queue',
  { timeout: 300_000 },
  async () => {
    const workers = Array.from(
      { length: WORKERS },
      () => new WorkerProcess(world, { SMTP_URL: smtp.url, SWEEP_INTERVAL_MS: '500' }),
    );
    workers.forEach((worker) => worker.start());
    // Before answering RCPT TO the sender has handed nothing over; after DATA the server holds the reply
    // and pauses its answer, so a kill then is inside the acceptance window. Short pauses, as each worker
    // sends one reply at a time; longer answers to DATA only while a kill is being aimed.
    const pauses = { rcpt: [0, 40] as [number, number], data: [20, 60] as [number, number] };
    smtp.slowDown(pauses);

    const customers: Customer[] = Array.from({ length: EVENTS }, (_, index) => ({
      address: `customer-${index}@customer.example`,
      messageId: `<${randomUUID()}@customer.example>`,
      ignored: index % 10 === 9,
      refusals: [],
    }));
    // The stream posts up to `allowed`, so each step below lands while emails are still arriving.
    let posted = 0;
    let allowed = 0;
    const stream = (async () => {
      for (const customer of customers) {
        await eventually(async () => (posted < allowed ? true : undefined), 'the next step of the chaos', 120_000);
        await post(customer);
        posted += 1;
        await sleep(PACE_MS);
      }
    })();
    stream.catch(() => undefined); // awaited below; a failure there is reported there
    const postUpTo = async (limit: number, thenAfter: number) => {
      allowed = limit;
      await eventually(async () => (posted >= thenAfter ? true : undefined), `${thenAfter} emails posted`, 120_000);
    };

    /**
     * SIGKILLs the worker whose reply the SMTP server has taken and not answered yet (nothing but
     * microtasks between finding it and the kill, so the server's answer cannot come in between), and
     * restarts it as an orchestrator would.
     */
    const killed: { messageId: string; killedAt: Date }[] = [];
    const killInsideData = async () => {
      smtp.slowDown({ ...pauses, data: [200, 400] });
      const { worker, messageId } = await eventually(
        async () => {
          for (const held of smtp.awaitingAnswer()) {
            const worker = workers.find((candidate) => candidate.ownsConnectionFrom(held.senderPort));
            if (worker && held.messageId) return { worker, messageId: held.messageId };
          }
          return undefined;
        },
        'a reply taken by the SMTP server and not answered yet',
        60_000,
      );
      const killedAt = new Date();
      worker.kill('SIGKILL');
      assert.ok(
        smtp.awaitingAnswer().some((held) => held.messageId === messageId),
        'killed inside the window',
      );
      smtp.slowDown(pauses);
      killed.push({ messageId, killedAt });
      await worker.exited();
      worker.start();
    };
    /**
     * Until another worker took over the killed one's sends (sent again, or marked uncertain). Redis is
     * only wiped after that: a reply left `sending` whose job Redis lost waits 15 min for the sweeper.
     */
    const takenOver = (since: Date) =>
      eventually(
        async () =>
          (await world.query(`SELECT 1 FROM outbound_messages WHERE status = 'sending' AND claimed_at < $1`, [since]))
            .length === 0 || undefined,
        'the killed sender’s replies taken over',
        60_000,
      );

    const startedAt = Date.now();
    try {
      await postUpTo(60, 40);
      await killInsideData();
      await takenOver(killed[0]!.killedAt);
      await postUpTo(130, 70);
      await restartRedis();
      await postUpTo(190, 150);
      await killInsideData();
      await postUpTo(250, 200);
      await restartPostgres();
      await postUpTo(EVENTS, 260);
      await killInsideData();
      await stream;
    } finally {
      allowed = EVENTS;
      await bringBothBack();
    }
    const chaosSeconds = Math.round((Date.now() - startedAt) / 1000);
    // A worker that died of a server restart (none should) is restarted, as an orchestrator would, and counted.
    const stopped = workers.filter((worker) => !worker.running);
    for (const worker of stopped) worker.start();

    // Calm: every run final, or waiting visibly in the operator queue.
    const open = await eventually(
      async () => {
        const [row] = await world.query<{ count: string }>(
          `SELECT count(*) FROM workflow_runs WHERE NOT (status = ANY($1))`,
          [[...FINAL_RUN_STATUSES, 'delivery_uncertain']],
        );
        return Number(row!.count) === 0 ? 0 : undefined;
      },
      'every run final or delivery_uncertain',
      150_000,
    );
    assert.equal(open, 0);
    await world.queuesDrained(30_000);
    const calmSeconds = Math.round((Date.now() - startedAt) / 1000) - chaosSeconds;

    const runs = await world.query<{ id: string; status: string; reply_status: string | null; error: string | null }>(
      `SELECT r.id, r.status, o.status AS reply_status, r.error
         FROM workflow_runs r LEFT JOIN outbound_messages o ON o.run_id = r.id AND o.kind = 'reply'`,
    );
    assert.equal(runs.length, EVENTS, 'one run per email: none lost, none duplicated by a retried post');
    const byRun = new Map(runs.map((row) => [row.id, row]));
    const queue = UncertainDeliveryPageSchema.parse(
      (await api.get('/api/v1/deliveries?status=uncertain&limit=200')).body,
    );
    const queued = new Set(queue.items.map((item) => item.runId));
    const mails = smtp.list();
    const repliesTo = (messageId: string) => mails.filter((mail) => mail.inReplyTo === messageId).length;

    let answered = 0;
    let inQueue = 0;
    for (const customer of customers) {
      const row = byRun.get(customer.runId!)!;
      const replies = repliesTo(customer.messageId);
      if (customer.ignored) {
        assert.equal(row.status, 'ignored', `${customer.address}'s auto-reply is ignored`);
        assert.equal(replies, 0, `${customer.address}'s auto-reply is not answered`);
        continue;
      }
      assert.ok(replies <= 1, `${customer.address} got ${replies} replies`);
      if (queued.has(row.id)) {
        // Only a sender stopped inside the acceptance window leaves a reply uncertain.
        assert.equal(row.reply_status, 'uncertain');
        assert.equal(row.status, 'delivery_uncertain', `${customer.address}'s run waits, visibly`);
        inQueue += 1;
        continue;
      }
      assert.equal(row.status, 'sent', `${customer.address}: run ${row.id} is ${row.status} (${row.error})`);
      assert.equal(replies, 1, `${customer.address} got exactly one reply`);
      answered += 1;
    }
    assert.equal(queue.items.length, inQueue, 'the operator queue holds only this run’s uncertain replies');

    const sentLater = Number(
      (
        await world.query<{ n: string }>(
          `SELECT count(*) AS n FROM audit_log WHERE action = 'reply.sent' AND entity_id IN
             (SELECT id FROM outbound_messages WHERE attempts > 1)`,
        )
      )[0]!.n,
    );
    const refusals = customers.flatMap((customer) => customer.refusals);
    console.log(
      `chaos with server restarts: ${EVENTS} emails, ${killed.length} SIGKILLs inside DATA, Redis wiped once, ` +
        `PostgreSQL restarted once (${refusals.filter((status) => status === 503).length} posts answered 503, ` +
        `${refusals.filter((status) => status === 0).length} dropped, all retried): ${answered} customers got ` +
        `exactly one reply, ${inQueue} are in the operator queue, ${sentLater} replies were sent by a later attempt; ` +
        `${stopped.length} workers had stopped on their own; ${chaosSeconds} s of chaos, ${calmSeconds} s to settle`,
    );
    assert.equal(killed.length, 3);
    for (const { messageId } of killed) {
      // The reply the server held when its sender died: uncertain, so in the queue; never sent twice.
      const mail = mails.find((candidate) => candidate.messageId === messageId)!;
      const customer = customers.find((candidate) => candidate.messageId === mail.inReplyTo)!;
      assert.ok(queued.has(customer.runId!), `${customer.address}, whose reply was held at a kill, is queued`);
    }
    assert.ok(refusals.length > 0, 'the stream flowed through the PostgreSQL restart');
    assert.ok(inQueue <= killed.length * 4, `${inQueue} uncertain replies for ${killed.length} kills`);

    for (const worker of workers) worker.kill('SIGTERM');
    for (const worker of workers) assert.equal(await worker.exited(), 0, 'SIGTERM exits cleanly');
  },
);
