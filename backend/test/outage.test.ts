import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ApiClient } from './support/api-client';
import { orderStatusEmail } from './support/emails';
import { TcpProxy } from './support/tcp-proxy';
import { useWorldWithSmtp } from './support/test-service';

const postgres = new TcpProxy(5432);
const redis = new TcpProxy(6379);
let api: ApiClient;

const { world, smtp } = useWorldWithSmtp(async () => {
  await postgres.start();
  await redis.start();
  const service = await world.start({
    SMTP_URL: smtp.url,
    DATABASE_URL: world.databaseUrl.replace(':5432/', `:${postgres.port}/`),
    REDIS_URL: `redis://127.0.0.1:${redis.port}`,
  });
  api = new ApiClient(service.url);
});
after(async () => {
  await postgres.close();
  await redis.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Posts like a real sender: a 503 means "try again later", anything else is final. */
async function send(messageId: string, address: string) {
  const statuses: number[] = [];
  for (;;) {
    const response = await api.post(
      '/api/v1/events/email',
      orderStatusEmail({ messageId, from: { address, name: 'Ola' } }),
    );
    statuses.push(response.status);
    if (response.status !== 503) return { response, statuses };
    assert.ok(Number(response.headers.get('retry-after')) > 0, '503 carries Retry-After');
    await sleep(300);
  }
}

async function streamThroughOutage(proxy: TcpProxy, label: string) {
  const messages = Array.from({ length: 12 }, () => `<${randomUUID()}@customer.example>`);
  const address = `${label}@customer.example`;
  const sending = (async () => {
    const results = [];
    for (const messageId of messages) {
      results.push(await send(messageId, address));
      await sleep(150);
    }
    return results;
  })();
  await sleep(500);
  proxy.cut();
  await sleep(3_000);
  proxy.restore();
  const results = await sending;
  for (const { response, statuses } of results) {
    assert.equal(response.status, 202, `final status after ${statuses.join(',')}`);
    assert.ok(
      statuses.every((status) => status === 202 || status === 503),
      `only 202 or 503: ${statuses.join(',')}`,
    );
  }
  for (const { response } of results) await api.waitForRun(response.body.runId, ['sent'], 60_000);
  await world.queuesDrained();
  for (const messageId of messages) {
    assert.equal(smtp.list().filter((mail) => mail.inReplyTo === messageId).length, 1, `one reply to ${messageId}`);
  }
  return results;
}

describe('dependency outages mid-stream', () => {
  test('PostgreSQL going away: the API answers 503 with Retry-After, nothing accepted is lost', async () => {
    const results = await streamThroughOutage(postgres, 'pg-outage');
    assert.ok(
      results.some(({ statuses }) => statuses.includes(503)),
      'some requests met the outage',
    );
  });

  test('Redis going away: events are still accepted into Postgres and processed once it is back', async () => {
    await streamThroughOutage(redis, 'redis-outage');
  });
});
