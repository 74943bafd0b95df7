import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTransport } from 'nodemailer';
import { SmtpListenerService } from '../src/ingest/smtp/smtp-listener.service';
import { mail, rfc822 } from './fixtures/inbound/providers';
import { useWorldWithSmtp } from './support/test-service';

let port: number;
const { world, smtp } = useWorldWithSmtp(async () => {
  const service = await world.start({
    SMTP_URL: smtp.url,
    SMTP_LISTENER_PORT: '0',
    MAX_BODY_BYTES: '20000',
    MAX_ATTACHMENT_BYTES: '1000',
  });
  port = service.app.get(SmtpListenerService).port!;
});

function send(raw: string, envelope = { from: 'jane.doe@customer.example', to: ['support@handoff.test'] }) {
  const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  return transport.sendMail({ envelope, raw }).finally(() => transport.close());
}

const stored = (messageId: string) =>
  world.query('SELECT source FROM inbound_events WHERE message_id = $1', [messageId]);

describe('SMTP listener (direct delivery, real SMTP on loopback)', () => {
  test('a message is acknowledged after it is stored; a resend starts no second run', async () => {
    const message = mail({ subject: 'Hello over SMTP' });
    const info = await send(rfc822(message));
    assert.match(info.response, /^250/);
    assert.deepEqual(await stored(message.messageId), [{ source: 'smtp' }]);
    await send(rfc822(message));
    const runs = await world.query(
      'SELECT r.id FROM workflow_runs r JOIN inbound_events e ON e.id = r.event_id WHERE e.message_id = $1',
      [message.messageId],
    );
    assert.equal(runs.length, 1);
  });

  test('over the size limit: 552, nothing stored', async () => {
    const message = mail({ text: 'x'.repeat(30_000) });
    await assert.rejects(send(rfc822(message)), (error: { responseCode?: number }) => error.responseCode === 552);
    assert.equal((await stored(message.messageId)).length, 0);
  });

  test('no sender: 550 with the reason, nothing stored', async () => {
    const raw = 'To: support@handoff.test\r\nSubject: anonymous\r\nMessage-ID: <anon-1@x.example>\r\n\r\nhello\r\n';
    await assert.rejects(
      send(raw),
      (error: { responseCode?: number; response?: string }) =>
        error.responseCode === 550 && /From/.test(error.response ?? ''),
    );
    assert.equal((await stored('<anon-1@x.example>')).length, 0);
  });

  test('an attachment over MAX_ATTACHMENT_BYTES: 552 naming it', async () => {
    const message = mail();
    const raw =
      `From: ${message.from}\r\nTo: ${message.to}\r\nSubject: big\r\nMessage-ID: ${message.messageId}\r\nMIME-Version: 1.0\r\n` +
      'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n' +
      `--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="big.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.alloc(3000).toString('base64')}\r\n--b1--\r\n`;
    await assert.rejects(
      send(raw),
      (error: { responseCode?: number; response?: string }) =>
        error.responseCode === 552 && /big\.bin/.test(error.response ?? ''),
    );
    assert.equal((await stored(message.messageId)).length, 0);
  });

  test('more than 100 envelope recipients: the rest get 452 (retry later, RFC 5321), the message is stored once', async () => {
    const message = mail();
    const to = Array.from({ length: 150 }, (_, i) => `r${i}@handoff.test`);
    const info = await send(rfc822(message), { from: 'jane.doe@customer.example', to });
    assert.equal(info.accepted.length, 100);
    assert.equal(info.rejected.length, 50);
    assert.equal((await stored(message.messageId)).length, 1);
  });
});
