import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createTransport } from 'nodemailer';
import { SmtpListenerService } from '../src/inbound/smtp/smtp-listener.service';
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
    BODY_READ_TIMEOUT_MS: '1000',
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

describe('hostile HTML never blocks the event loop (finding 1)', () => {
  test('deeply nested and 2 MB HTML on the JSON route, a provider route, raw MIME and the SMTP listener: stored, live probe always answered', async () => {
    const cases = [5_000, 50_000, 180_000].map((depth) => ({ depth, marker: `json-${depth}-${randomUUID()}` }));
    const jsonBodies = cases.map(({ depth, marker }) => ({
      marker,
      body: JSON.stringify({
        from: 'jane.doe@customer.example',
        to: 'support@handoff.test',
        subject: `nested ${depth}`,
        html: nestedHtml(depth, marker),
      }),
    }));
    assert.ok(jsonBodies[2]!.body.length > 1_900_000, '2 MB of HTML');
    const providerMarker = `postmark-${randomUUID()}`;
    const providerBody = {
      ...postmarkInbound(mail({ subject: 'nested via Postmark' })),
      TextBody: '',
      HtmlBody: nestedHtml(50_000, providerMarker),
    };
    const mimeMarker = `mime-${randomUUID()}`;
    const mimeId = `<${randomUUID()}@customer.example>`;
    const mime = htmlMime(nestedHtml(180_000, mimeMarker), { messageId: mimeId, subject: 'nested MIME' });
    const smtpMarker = `smtp-${randomUUID()}`;
    const smtpId = `<${randomUUID()}@customer.example>`;
    const smtpRaw = htmlMime(nestedHtml(180_000, smtpMarker), { messageId: smtpId, subject: 'nested SMTP' });

    const { result, latencies, failures } = await probeLivenessDuring(() =>
      Promise.all([
        ...jsonBodies.map(({ body }) => api.post('/api/v1/events/email', body, { 'content-type': 'application/json' })),
        postmark(providerBody).then(async (response) => ({ status: response.status, body: await response.json() })),
        rawMime(mime),
        sendSmtp(smtpRaw).then((info) => ({ status: Number(info.response.slice(0, 3)), body: info.response })),
      ]),
    );
    // The same probe with nothing else to do, for comparison on a shared machine.
    const idle = await probeLivenessDuring(() => new Promise((resolve) => setTimeout(resolve, 2_000)));
    console.log(`/health/live while hostile mail arrives: ${summary(latencies)}; idle: ${summary(idle.latencies)}`);
    assert.deepEqual(failures, [], 'every liveness probe was answered');
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
    const markers = [...jsonBodies.map(({ marker }) => marker), providerMarker, mimeMarker, smtpMarker];
    stored.forEach((event, index) => {
      assert.ok(event, `mail ${index} stored`);
      assert.match(event.text_body, new RegExp(markers[index]!), 'the deep text is the text of the mail');
      // Flattened to 100 levels (or, had the worker run out of time, not kept at all).
      if (event.html_body !== null) assert.ok(event.html_body.split('<div').length - 1 <= 100, `mail ${index} depth`);
    });
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
    for (const path of ['/api/v1/events/email', '/api/v1/inbound/postmark']) {
      const answer = await new Promise<string>((resolve, reject) => {
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
      assert.match(answer, /^HTTP\/1\.1 408/, path);
    }
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
