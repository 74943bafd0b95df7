import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { ImapFlow } from 'imapflow';
import Redis from 'ioredis';
import { ResolveDeliveryResponseSchema, UncertainDeliveryPageSchema, type UncertainDelivery } from '@handoff/contracts';
import { ApiClient } from './support/api-client';
import { Dovecot } from './support/dovecot';
import { orderStatusEmail } from './support/emails';
import { TcpProxy } from './support/tcp-proxy';
import { eventually, TEST_ADMIN, useWorldWithSmtp, type TestWorld } from './support/test-service';
import { JOBS, QUEUES } from '../src/queue/jobs';

// The SMTP server is behind a proxy, so a test can drop the connection while the server holds its answer;
// so is dovecot for the Sent-folder look-ups of one describe, so a test can make IMAP unreachable.
const dovecot = new Dovecot();
let proxy: TcpProxy;
let imapProxy: TcpProxy;
let imap: ImapFlow;
let api: ApiClient;
let service: Awaited<ReturnType<TestWorld['start']>>;
const { world, smtp } = useWorldWithSmtp(async () => {
  proxy = new TcpProxy(smtp.port);
  await proxy.start();
  await dovecot.start();
  imapProxy = new TcpProxy(dovecot.port);
  await imapProxy.start();
  imap = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user: dovecot.user, pass: dovecot.password },
    logger: false,
  });
  await imap.connect();
  await imap.mailboxCreate('Sent');
  service = await world.start(env(true));
  api = new ApiClient(service.url);
});
after(async () => {
  await imap?.logout().catch(() => undefined);
  await dovecot.stop();
  await proxy?.close();
  await imapProxy?.close();
});

function env(sentFolder: boolean, imapUrl = dovecot.url): Record<string, string> {
  return {
    SMTP_URL: `smtp://127.0.0.1:${proxy.port}`,
    IMAP_URL: imapUrl,
    IMAP_USER: dovecot.user,
    IMAP_PASSWORD: dovecot.password,
    IMAP_POLL_INTERVAL_MS: '60000',
    ...(sentFolder ? { IMAP_SENT_FOLDER: 'Sent' } : {}),
  };
}

const mailsTo = (address: string) => smtp.list().filter((mail) => mail.envelopeTo.includes(address));
const outbound = async (runId: string) =>
  (
    await world.query<{ id: string; status: string; message_id: string; committed_at: Date | null }>(
      'SELECT id, status, message_id, committed_at FROM outbound_messages WHERE run_id = $1',
      [runId],
    )
  )[0]!;
const auditActions = async (entityId: string) =>
  (
    await world.query<{ actor: string; action: string }>(
      'SELECT actor, action FROM audit_log WHERE entity_id = $1 ORDER BY id',
      [entityId],
    )
  ).map((row) => `${row.actor} ${row.action}`);

/**
 * Sends an auto-answered email whose reply the SMTP server reads in full and never answers, then cuts
 * the connection: the sender handed the reply over and got no answer. `beforeCut` runs in between.
 */
async function replyLostAfterHandOver(keep: boolean, beforeCut?: (address: string) => Promise<void>) {
  const address = `customer-${randomUUID().slice(0, 8)}@customer.example`;
  const silencedBefore = smtp.silenced;
  smtp.silenceNext(1, { keep });
  const accepted = await api.post('/api/v1/events/email', orderStatusEmail({ from: { address } }));
  assert.equal(accepted.status, 202);
  await eventually(async () => (smtp.silenced > silencedBefore ? true : undefined), 'the server read the reply');
  await beforeCut?.(address);
  proxy.cut();
  proxy.restore();
  return { address, runId: accepted.body.runId as string };
}

describe('a reply whose answer was lost after the hand-over', () => {
  test('is settled sent when the IMAP Sent folder holds its Message-ID (real dovecot): one reply, no resend', async () => {
    const { address, runId } = await replyLostAfterHandOver(true, async (to) => {
      // The mail server files what it accepted in the Sent folder, as hosted mailboxes do.
      await imap.append('Sent', mailsTo(to)[0]!.raw, ['\\Seen']);
    });
    const run = await api.waitForRun(runId, ['sent']);
    assert.equal(run.error, null);
    const row = await outbound(runId);
    assert.equal(row.status, 'sent');
    assert.ok(row.committed_at, 'the hand-over marker was committed');
    await world.queuesDrained();
    assert.equal(mailsTo(address).length, 1);
    assert.deepEqual(await auditActions(row.id), [
      'auto reply.requested',
      'system reply.uncertain',
      'system reply.settled_sent',
    ]);
  });

  test('is sent again, with the same Message-ID, when the Sent folder does not hold it', async () => {
    const { address, runId } = await replyLostAfterHandOver(false);
    await api.waitForRun(runId, ['sent']);
    const row = await outbound(runId);
    await world.queuesDrained();
    const received = mailsTo(address);
    assert.equal(received.length, 1, 'exactly one reply reached the customer');
    assert.equal(received[0]!.messageId, row.message_id);
    assert.deepEqual(await auditActions(row.id), [
      'auto reply.requested',
      'system reply.uncertain',
      'system reply.settled_resend',
      'system reply.sent',
    ]);
  });

  test('a sender cut off before the hand-over sends again without asking anyone', async () => {
    const address = `early-${randomUUID().slice(0, 8)}@customer.example`;
    smtp.slowDown({ rcpt: 1_500 });
    try {
      const accepted = await api.post('/api/v1/events/email', orderStatusEmail({ from: { address } }));
      await eventually(
        async () =>
          (
            await world.query(`SELECT 1 FROM outbound_messages WHERE run_id = $1 AND status = 'sending'`, [
              accepted.body.runId,
            ])
          ).length
            ? true
            : undefined,
        'the reply is being sent',
      );
      proxy.cut();
      proxy.restore();
      smtp.slowDown({});
      await api.waitForRun(accepted.body.runId, ['sent'], 30_000);
      const row = await outbound(accepted.body.runId);
      assert.equal(mailsTo(address).length, 1);
      assert.ok(!(await auditActions(row.id)).includes('system reply.uncertain'));
    } finally {
      smtp.slowDown({});
    }
  });
});

describe('the Sent-folder look-up while IMAP cannot be reached', () => {
  let redis: Redis;
  let deliveries: Queue;
  /** The reply's delivery job, whose retries carry the look-up: [attempts made, state], or undefined once done. */
  const deliveryJob = async (outboundId: string) => {
    const job = await deliveries.getJob(JOBS.deliverReply.jobId({ outboundId }));
    return job ? { job, attemptsMade: job.attemptsMade, state: await job.getState() } : undefined;
  };

  before(async () => {
    await world.stop(service);
    service = await world.start(env(true, `imap://127.0.0.1:${imapProxy.port}`));
    api = new ApiClient(service.url);
    redis = new Redis(world.env().REDIS_URL!, { maxRetriesPerRequest: null });
    deliveries = new Queue(QUEUES.delivery, { connection: redis, prefix: world.redisPrefix });
  });
  after(async () => {
    imapProxy.restore();
    await deliveries?.close();
    redis?.disconnect();
  });

  test('is retried with the delivery job’s backoff, nothing resent meanwhile; settled sent once IMAP answers', async () => {
    imapProxy.cut();
    const { address, runId } = await replyLostAfterHandOver(true, async (to) => {
      await imap.append('Sent', mailsTo(to)[0]!.raw, ['\\Seen']);
    });
    const { id } = await eventually(async () => {
      const row = await outbound(runId);
      return row?.status === 'uncertain' ? row : undefined;
    }, 'the reply uncertain');
    await eventually(
      async () => ((await deliveryJob(id))?.attemptsMade ?? 0) >= 2 || undefined,
      'two look-ups that could not reach IMAP',
    );
    assert.equal((await api.get(`/api/v1/runs/${runId}`)).body.status, 'delivery_uncertain');
    assert.equal((await outbound(runId)).status, 'uncertain');
    assert.equal(mailsTo(address).length, 1, 'not sent again while nobody can tell');

    imapProxy.restore();
    const waiting = await deliveryJob(id);
    if (waiting?.state === 'delayed') await waiting.job.promote().catch(() => undefined); // skip the backoff's wait
    await api.waitForRun(runId, ['sent']);
    await world.queuesDrained();
    assert.equal(mailsTo(address).length, 1);
    assert.deepEqual(await auditActions(id), [
      'auto reply.requested',
      'system reply.uncertain',
      'system reply.settled_sent',
    ]);
  });

  test('after the last attempt the reply waits in the operator queue; an operator resends it once', async () => {
    imapProxy.cut();
    const refusedBefore = imapProxy.refused;
    const { address, runId } = await replyLostAfterHandOver(false);
    const { id } = await eventually(async () => {
      const row = await outbound(runId);
      return row?.status === 'uncertain' ? row : undefined;
    }, 'the reply uncertain');
    // Each retry waits longer (1 s doubling); the test promotes the delayed job instead of waiting out ~2 min.
    let attemptsSeen = 0;
    await eventually(
      async () => {
        const current = await deliveryJob(id);
        if (!current) return true; // the last attempt ended the job (finished jobs are removed)
        attemptsSeen = Math.max(attemptsSeen, current.attemptsMade);
        if (current.state === 'delayed') await current.job.promote().catch(() => undefined);
        return undefined;
      },
      'the delivery job to end',
      60_000,
    );
    assert.equal(attemptsSeen, 7, 'seven failed look-ups retried, then the eighth, last attempt');
    assert.ok(imapProxy.refused - refusedBefore >= 8, 'every attempt tried to reach IMAP');
    assert.equal((await api.waitForRun(runId, ['delivery_uncertain'])).status, 'delivery_uncertain');
    const page = UncertainDeliveryPageSchema.parse((await api.get('/api/v1/deliveries?status=uncertain')).body);
    assert.deepEqual(
      page.items.map((item) => item.runId),
      [runId],
    );
    assert.equal(mailsTo(address).length, 0, 'nothing sent while nobody could tell');

    imapProxy.restore();
    const resolved = await api.post(`/api/v1/deliveries/${id}/resolve`, { action: 'resend' });
    assert.equal(resolved.status, 200);
    await api.waitForRun(runId, ['sent']);
    await world.queuesDrained();
    assert.equal(mailsTo(address).length, 1);
  });
});

describe('the operator queue (no Sent folder configured)', () => {
  let uncertain: { address: string; runId: string };
  let reviewer: ApiClient;

  test('an uncertain reply is listed with its context; its run waits as delivery_uncertain; the gauge counts it', async () => {
    await world.stop(service);
    service = await world.start(env(false));
    api = new ApiClient(service.url);
    uncertain = await replyLostAfterHandOver(true);
    await api.waitForRun(uncertain.runId, ['delivery_uncertain']);
    const page = UncertainDeliveryPageSchema.parse((await api.get('/api/v1/deliveries?status=uncertain')).body);
    const item = page.items.find((entry) => entry.runId === uncertain.runId) as UncertainDelivery;
    assert.ok(item, 'listed');
    assert.equal(item.channel, 'email');
    assert.equal(item.recipient, uncertain.address);
    assert.match(item.subject, /^Re: /);
    assert.ok(item.handedOverAt);
    assert.match(item.messageId, /^<reply-/);
    assert.match((await api.get('/metrics')).body, /^handoff_deliveries_uncertain 1$/m);
  });

  test('only admins see or resolve it; bad input is a 4xx that changes nothing', async () => {
    const created = await api.post('/api/v1/reviewers', {
      email: 'queue-reviewer@handoff.test',
      name: 'Queue',
      password: 'password-1234',
      role: 'reviewer',
    });
    assert.equal(created.status, 201);
    reviewer = await ApiClient.signIn(service.url, 'queue-reviewer@handoff.test', 'password-1234');
    const { id } = (await outbound(uncertain.runId)) as { id: string };
    const anonymous = new ApiClient(service.url, null);
    assert.equal((await anonymous.get('/api/v1/deliveries?status=uncertain')).status, 401);
    assert.equal((await anonymous.post(`/api/v1/deliveries/${id}/resolve`, { action: 'resend' })).status, 401);
    assert.equal((await reviewer.get('/api/v1/deliveries?status=uncertain')).status, 403);
    assert.equal((await reviewer.post(`/api/v1/deliveries/${id}/resolve`, { action: 'mark_sent' })).status, 403);
    assert.equal((await api.get('/api/v1/deliveries?status=sent')).status, 400);
    for (const body of [{}, { action: 'send' }, { action: 'resend', extra: 1 }, 'resend']) {
      const response = await api.post(`/api/v1/deliveries/${id}/resolve`, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.doesNotMatch(JSON.stringify(response.body), /at .*\.js/);
    }
    assert.equal((await api.post('/api/v1/deliveries/not-a-uuid/resolve', { action: 'resend' })).status, 400);
    assert.equal((await api.post(`/api/v1/deliveries/${randomUUID()}/resolve`, { action: 'resend' })).status, 404);
    assert.equal((await outbound(uncertain.runId)).status, 'uncertain');
  });

  test('mark_sent settles it and its run (audited with the admin); a second answer gets 409', async () => {
    const session = await ApiClient.signIn(service.url, TEST_ADMIN.email, TEST_ADMIN.password);
    const { id } = await outbound(uncertain.runId);
    const resolved = await session.post(`/api/v1/deliveries/${id}/resolve`, { action: 'mark_sent' });
    assert.equal(resolved.status, 200);
    assert.deepEqual(ResolveDeliveryResponseSchema.parse(resolved.body), {
      id,
      runId: uncertain.runId,
      status: 'sent',
    });
    assert.equal((await api.waitForRun(uncertain.runId, ['sent'])).status, 'sent');
    assert.deepEqual((await auditActions(id)).slice(-1), [`${TEST_ADMIN.email} reply.resolved`]);
    const again = await session.post(`/api/v1/deliveries/${id}/resolve`, { action: 'resend' });
    assert.equal(again.status, 409);
    assert.match(again.body.message, /is sent, not uncertain/);
    assert.equal(mailsTo(uncertain.address).length, 1, 'nothing was sent again');
    assert.match((await api.get('/metrics')).body, /^handoff_deliveries_uncertain 0$/m);
  });

  test('resend sends it again with the same Message-ID', async () => {
    const lost = await replyLostAfterHandOver(false);
    await api.waitForRun(lost.runId, ['delivery_uncertain']);
    const { id, message_id } = await outbound(lost.runId);
    const resolved = await api.post(`/api/v1/deliveries/${id}/resolve`, { action: 'resend' });
    assert.equal(resolved.status, 200);
    assert.equal(ResolveDeliveryResponseSchema.parse(resolved.body).status, 'pending');
    await api.waitForRun(lost.runId, ['sent']);
    await world.queuesDrained();
    const received = mailsTo(lost.address);
    assert.equal(received.length, 1);
    assert.equal(received[0]!.messageId, message_id);
  });
});
