import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createTransport } from 'nodemailer';
import { SmtpListenerService } from '../src/ingest/smtp/smtp-listener.service';
import { ApiClient } from './support/api-client';
import { TEST_API_KEY, useWorldWithSmtp } from './support/test-service';
import { HELPDESK_SECRETS, POSTMARK, inboundSettings } from './fixtures/inbound/settings';
import { basicAuth, mail, postmarkInbound, rfc822, standardWebhookHeaders } from './fixtures/inbound/providers';

const MAX_MIME_BYTES = 2_600_000;
let api: ApiClient;
let baseUrl: string;
let smtpPort: number;
const { world, smtp } = useWorldWithSmtp(async () => {
  const service = await world.start({
    SMTP_URL: smtp.url,
    SMTP_LISTENER_PORT: '0',
    ...inboundSettings(),
    MAX_BODY_BYTES: String(8 * 1024 * 1024),
    MAX_MIME_BYTES: String(MAX_MIME_BYTES),
    // Long enough for 2 MB bodies on a busy test machine, short enough to wait for.
    BODY_READ_TIMEOUT_MS: '8000',
  });
  baseUrl = service.url;
  api = new ApiClient(service.url);
  smtpPort = service.app.get(SmtpListenerService).port!;
});

/** `depth` nested divs around `marker`, a line break every 100 tags so MIME lines stay short. */
function nestedHtml(depth: number, marker: string): string {
  const lines = (tag: string) =>
    Array.from({ length: Math.ceil(depth / 100) }, (_, i) => tag.repeat(Math.min(100, depth - i * 100))).join('\r\n');
  return `${lines('<div>')}${marker}${lines('</div>')}`;
}

function htmlMime(html: string, headers: { messageId: string; subject: string; from?: string }): string {
  return (
    `From: ${headers.from ?? 'Jane Doe <jane.doe@customer.example>'}\r\nTo: support@handoff.test\r\n` +
    `Subject: ${headers.subject}\r\nMessage-ID: ${headers.messageId}\r\nMIME-Version: 1.0\r\n` +
    `Content-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`
  );
}

function sendSmtp(raw: string | Buffer) {
  const transport = createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  return transport
    .sendMail({ envelope: { from: 'jane.doe@customer.example', to: ['support@handoff.test'] }, raw })
    .finally(() => transport.close());
}

const postmark = (body: unknown) =>
  fetch(`${baseUrl}/api/v1/inbound/postmark`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basicAuth(POSTMARK.user, POSTMARK.password) },
    body: JSON.stringify(body),
  });

function webhook(data: Record<string, unknown>) {
  const body = JSON.stringify({ type: 'message.created', data });
  return fetch(`${baseUrl}/api/v1/webhooks/helpdesk`, {
    method: 'POST',
    headers: standardWebhookHeaders(HELPDESK_SECRETS[0]!, body),
    body,
  });
}

const rawMime = (raw: string | Buffer) => api.post('/api/v1/events/email', raw, { 'content-type': 'message/rfc822' });

const summary = (latencies: number[]) => {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!.toFixed(1);
  return `${sorted.length} probes, median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`;
};

/** Polls /health/live one request after another while `work` runs; every answer and its latency. */
async function probeLivenessDuring<T>(work: () => Promise<T>) {
  const latencies: number[] = [];
  const failures: string[] = [];
  let done = false;
  const probing = (async () => {
    while (!done) {
      const started = performance.now();
      try {
        const response = await fetch(`${baseUrl}/health/live`);
        await response.arrayBuffer();
        if (response.status !== 200) failures.push(`status ${response.status}`);
      } catch (error) {
        failures.push((error as Error).message);
      }
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  try {
    return { result: await work(), latencies, failures };
  } finally {
    done = true;
    await probing;
  }
}

const storedEvent = async (where: string, value: string) =>
  (
    await world.query<{ text_body: string; html_body: string | null; subject: string }>(
      `SELECT text_body, html_body, subject FROM inbound_events WHERE ${where} = $1`,
      [value],
    )
  )[0];

/** Ordinary HTML as long as `nestedHtml(depth, marker)`: one paragraph of words around `marker`. */
function plainHtml(depth: number, marker: string): string {
  const half = Math.floor((nestedHtml(depth, marker).length - marker.length - 7) / 2);
  const words = `${'word '.repeat(99)}word\r\n`.repeat(Math.ceil(half / 501)).slice(0, half);
  return `<p>${words}${marker}${words}</p>`;
}

/**
 * The same six mails through every door at once — JSON (5,000, 50,000 and ~180,000 levels, the last 2 MB),
 * Postmark (50,000), raw MIME and SMTP (2 MB each) — built by `html`, with /health/live probed throughout.
 */
async function sendThroughEveryDoor(html: (depth: number, marker: string) => string) {
  const markers = ['json-5k', 'json-50k', 'json-2mb', 'postmark', 'mime', 'smtp'].map(
    (name) => `${name}-${randomUUID()}`,
  );
  const jsonBodies = [5_000, 50_000, 180_000].map((depth, index) =>
    JSON.stringify({
      from: 'jane.doe@customer.example',
      to: 'support@handoff.test',
      html: html(depth, markers[index]!),
    }),
  );
  assert.ok(jsonBodies[2]!.length > 1_900_000, '2 MB of HTML');
  const providerBody = { ...postmarkInbound(mail()), TextBody: '', HtmlBody: html(50_000, markers[3]!) };
  const mime = htmlMime(html(180_000, markers[4]!), {
    messageId: `<${randomUUID()}@customer.example>`,
    subject: 'MIME',
  });
  const smtpId = `<${randomUUID()}@customer.example>`;
  const smtpRaw = htmlMime(html(180_000, markers[5]!), { messageId: smtpId, subject: 'SMTP' });

  const { result, latencies, failures } = await probeLivenessDuring(() =>
    Promise.all([
      ...jsonBodies.map((body) => api.post('/api/v1/events/email', body, { 'content-type': 'application/json' })),
      postmark(providerBody).then(async (response) => ({ status: response.status, body: await response.json() })),
      rawMime(mime),
      sendSmtp(smtpRaw).then((info) => ({ status: Number(info.response.slice(0, 3)), body: info.response })),
    ]),
  );
  assert.deepEqual(
    result.map((response) => response.status),
    [202, 202, 202, 200, 202, 250],
    JSON.stringify(result.map((response) => response.body)).slice(0, 500),
  );
  const stored = [
    ...(await Promise.all(
      result.slice(0, 5).map((response) => storedEvent('id', (response.body as { eventId: string }).eventId)),
    )),
    await storedEvent('message_id', smtpId),
  ];
  stored.forEach((event, index) => {
    assert.ok(event, `mail ${index} stored`);
    assert.match(event.text_body, new RegExp(markers[index]!), 'the deepest text is the text of the mail');
  });
  return { stored, latencies, failures };
}

describe('hostile HTML never blocks the event loop (finding 1)', () => {
  test('deeply nested and 2 MB HTML on the JSON route, a provider route, raw MIME and the SMTP listener: stored, live probe always answered', async () => {
    const hostile = await sendThroughEveryDoor(nestedHtml);
    assert.deepEqual(hostile.failures, [], 'every liveness probe was answered');
    for (const event of hostile.stored) {
      // Flattened to 100 levels (or, had the worker run out of time, not kept at all).
      if (event!.html_body !== null) assert.ok(event!.html_body.split('<div').length - 1 <= 100);
    }
    // The same probe with ordinary HTML of the same sizes, and with nothing to do: the figures for the README.
    const ordinary = await sendThroughEveryDoor(plainHtml);
    assert.deepEqual(ordinary.failures, []);
    const idle = await probeLivenessDuring(() => new Promise((resolve) => setTimeout(resolve, 2_000)));
    console.log(
      `/health/live — hostile mail: ${summary(hostile.latencies)}; ordinary mail of the same sizes: ` +
        `${summary(ordinary.latencies)}; idle: ${summary(idle.latencies)}`,
    );
  });
});

describe('NUL and broken Unicode (finding 7): stripped from text, refused in identifiers, on every channel', () => {
  test('JSON route', async () => {
    const accepted = await api.post('/api/v1/events/email', {
      from: { address: 'nul.text@customer.example', name: 'Ja\u0000ne \ud800' },
      to: 'support@handoff.test',
      subject: 'Order\u0000 7',
      text: 'Hello\u0000 there',
      html: '<p>Hello\u0000 there</p>',
      headers: { date: 'Fri, 20 Nov 2026 10:00:00 +0000\u0000' },
      attachments: [{ filename: 'invoice\u0000.pdf', contentType: 'application/pdf', size: 10 }],
    });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const [row] = await world.query<Record<string, any>>(
      'SELECT subject, text_body, html_body, from_name, headers, attachments FROM inbound_events WHERE id = $1',
      [accepted.body.eventId],
    );
    assert.deepEqual(
      [row!.subject, row!.text_body, row!.html_body, row!.from_name, row!.headers.date, row!.attachments[0].filename],
      ['Order 7', 'Hello there', '<p>Hello there</p>', 'Jane \ufffd', 'Fri, 20 Nov 2026 10:00:00 +0000', 'invoice.pdf'],
    );
    for (const [field, email] of [
      ['Message-ID', { messageId: '<a\u0000b@customer.example>' }],
      ['From address', { from: 'ja\u0000ne@customer.example' }],
      ['To address', { to: ['support\u0000@handoff.test'] }],
      ['From address', { from: 'jane\ud800@customer.example' }],
    ] as const) {
      const refused = await api.post('/api/v1/events/email', {
        from: 'jane.doe@customer.example',
        text: 'hello',
        ...email,
      });
      assert.equal(refused.status, 400, `${field}: ${JSON.stringify(refused.body)}`);
      assert.match(refused.body.message, new RegExp(field));
    }
  });

  test('provider route (Postmark) and Standard Webhooks', async () => {
    const message = mail({ subject: 'Postmark\u0000 NUL', text: 'Hi\u0000 there' });
    const accepted = await postmark(postmarkInbound(message));
    assert.equal(accepted.status, 200);
    assert.equal((await storedEvent('message_id', message.messageId))?.subject, 'Postmark NUL');
    const refused = await postmark({
      ...postmarkInbound(mail()),
      FromFull: { Email: 'jane\u0000@customer.example', Name: 'Jane' },
    });
    assert.equal(refused.status, 400);

    const hookId = `<${randomUUID()}@helpdesk.example>`;
    const hooked = await webhook({ messageId: hookId, from: 'jane.doe@customer.example', text: 'via\u0000 hook' });
    assert.equal(hooked.status, 202);
    assert.equal((await storedEvent('message_id', hookId))?.text_body, 'via hook');
    const badHook = await webhook({ messageId: '<x\u0000@helpdesk.example>', from: 'a@b.example', text: 'x' });
    assert.equal(badHook.status, 400);
  });

  test('raw MIME and the SMTP listener', async () => {
    const message = mail({ subject: 'MIME NUL', text: 'body with a \u0000 byte' });
    assert.equal((await rawMime(rfc822(message))).status, 202);
    assert.equal((await storedEvent('message_id', message.messageId))?.text_body.includes('\u0000'), false);
    const badId = mail({ messageId: '<bad\u0000id@customer.example>' });
    assert.equal((await rawMime(rfc822(badId))).status, 400);

    const overSmtp = mail({ subject: 'SMTP NUL', text: 'smtp body with a \u0000 byte' });
    assert.match((await sendSmtp(rfc822(overSmtp))).response, /^250/);
    assert.match((await storedEvent('message_id', overSmtp.messageId))!.text_body, /^smtp body with a {2}byte/);
    await assert.rejects(
      sendSmtp(rfc822(mail({ messageId: '<smtp\u0000id@customer.example>' }))),
      (error: { responseCode?: number }) => error.responseCode === 550,
    );
  });

  test('NUL in query values and forged cursors: 4xx, never 500', async () => {
    for (const query of ['q=%00', 'q=a%00b', 'category=%00', 'channel=x%00']) {
      assert.equal((await api.get(`/api/v1/reviews?${query}`)).status, 400, query);
    }
    const cursor = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
    const id = randomUUID();
    for (const path of [
      `/api/v1/reviews?cursor=${cursor(['due', 'asc', '2026-02-30 10:00:00+00', id])}`,
      `/api/v1/reviews?cursor=${cursor(['due', 'asc', '2026-01-01 25:61:00+00', id])}`,
      `/api/v1/reviews?cursor=${cursor(['due', 'asc', '2026-01-01 10:00:00+99', id])}`,
      `/api/v1/reviews?sort=confidence&cursor=${cursor(['confidence', 'asc', '1e999', id])}`,
      `/api/v1/reviews?sort=confidence&cursor=${cursor(['confidence', 'asc', '1e-999', id])}`,
      `/api/v1/history?cursor=${cursor(['2026-13-01 00:00:00+00', id])}`,
      '/api/v1/reviews?cursor=%F0%9F',
    ]) {
      assert.equal((await api.get(path)).status, 422, path);
    }
  });
});

describe('ingest limits', () => {
  test('a body that stops arriving is answered 408 and the connection closed', async () => {
    const stalled = (path: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(new URL(baseUrl).port), '127.0.0.1');
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString()));
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
        socket.write(
          `POST ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${TEST_API_KEY}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"from": ',
        );
      });
    const answers = await Promise.all([stalled('/api/v1/events/email'), stalled('/api/v1/inbound/postmark')]);
    for (const answer of answers) assert.match(answer, /^HTTP\/1\.1 408/);
  });

  test('raw MIME over MAX_MIME_BYTES: 413 on HTTP, 552 over SMTP, nothing stored', async () => {
    const message = mail({ text: 'x'.repeat(MAX_MIME_BYTES) });
    const refused = await rawMime(rfc822(message));
    assert.equal(refused.status, 413);
    assert.match(refused.body.message, /raw MIME is accepted up to 2600000 bytes/);
    await assert.rejects(sendSmtp(rfc822(message)), (error: { responseCode?: number }) => error.responseCode === 552);
    assert.equal(await storedEvent('message_id', message.messageId), undefined);
  });

  test('a Message-ID is a duplicate only from the same sender', async () => {
    const messageId = `<${randomUUID()}@customer.example>`;
    const send = (from: string) => api.post('/api/v1/events/email', { messageId, from, text: 'hello' });
    const first = await send('jane.doe@customer.example');
    const other = await send('mallory@elsewhere.example');
    const retry = await send('Jane.Doe@customer.example');
    assert.deepEqual(
      [first.body.duplicate, other.body.duplicate, retry.body.duplicate],
      [false, false, true],
      'another sender claiming the id is a new message; the sender’s own retry is not',
    );
    assert.notEqual(other.body.eventId, first.body.eventId);
    assert.equal(retry.body.eventId, first.body.eventId);
  });
});
