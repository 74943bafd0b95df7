import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { mail, rfc822 } from './fixtures/inbound/providers';
import { Dovecot } from './support/dovecot';
import { eventually, useWorldWithSmtp } from './support/test-service';

const dovecot = new Dovecot();
let client: ImapFlow;
const { world, smtp } = useWorldWithSmtp(async () => {
  await dovecot.start();
  client = new ImapFlow({
    host: '127.0.0.1',
    port: dovecot.port,
    secure: false,
    auth: { user: dovecot.user, pass: dovecot.password },
    logger: false,
  });
  await client.connect();
  await world.start({
    SMTP_URL: smtp.url,
    IMAP_URL: dovecot.url,
    IMAP_USER: dovecot.user,
    IMAP_PASSWORD: dovecot.password,
    IMAP_PROCESSED_FOLDER: 'Handoff',
    IMAP_POLL_INTERVAL_MS: '500',
    MAX_MIME_BYTES: '20000',
  });
});
after(async () => {
  await client?.logout().catch(() => undefined);
  await dovecot.stop();
});

const storedRuns = (messageId: string) =>
  world.query(
    'SELECT r.id FROM workflow_runs r JOIN inbound_events e ON e.id = r.event_id WHERE e.message_id = $1 AND e.source = $2',
    [messageId, 'imap'],
  );
const count = async (folder: string) => {
  const status = await client.status(folder, { messages: true });
  return status ? (status.messages ?? 0) : 0;
};

describe('IMAP mailbox (real dovecot on loopback)', () => {
  test('a new message is stored once and moved to the processed folder; the same message again starts nothing', async () => {
    const message = mail({ subject: 'From the mailbox' });
    await client.append('INBOX', rfc822(message));
    await eventually(
      async () => ((await storedRuns(message.messageId)).length === 1 ? true : undefined),
      'the IMAP message is stored',
    );
    await eventually(async () => ((await count('INBOX')) === 0 ? true : undefined), 'the message left INBOX');
    await client.append('INBOX', rfc822(message));
    await eventually(async () => ((await count('INBOX')) === 0 ? true : undefined), 'the copy left INBOX');
    assert.equal((await storedRuns(message.messageId)).length, 1);
    assert.equal(await count('Handoff'), 2);
  });

  test('refused mail (no sender, over MAX_MIME_BYTES) is flagged and left in place, and does not block the next message', async () => {
    await client.append('INBOX', 'To: support@handoff.test\r\nSubject: no sender\r\n\r\nhello\r\n');
    await client.append('INBOX', rfc822(mail({ subject: 'Too big', text: 'x'.repeat(30_000) })));
    const message = mail({ subject: 'After the refused one' });
    await client.append('INBOX', rfc822(message));
    await eventually(
      async () => ((await storedRuns(message.messageId)).length === 1 ? true : undefined),
      'the next message is stored',
    );
    const lock = await client.getMailboxLock('INBOX');
    try {
      const flagged = await client.search({ keyword: '$HandoffRejected' }, { uid: true });
      assert.equal((flagged || []).length, 2);
    } finally {
      lock.release();
    }
  });

  test('after the server drops the connection, the poller reconnects and carries on', async () => {
    dovecot.kick();
    await eventually(async () => (client.usable ? undefined : true), 'the client to see the dropped connection');
    await client.logout().catch(() => undefined);
    client = new ImapFlow({
      host: '127.0.0.1',
      port: dovecot.port,
      secure: false,
      auth: { user: dovecot.user, pass: dovecot.password },
      logger: false,
    });
    await client.connect();
    const message = mail({ subject: 'After the drop' });
    await client.append('INBOX', rfc822(message));
    await eventually(
      async () => ((await storedRuns(message.messageId)).length === 1 ? true : undefined),
      'stored after reconnecting',
    );
  });
});
