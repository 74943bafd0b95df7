import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SnsHttp } from '../src/ingest/providers/ses/sns-http';
import { ApiClient } from './support/api-client';
import { useWorldWithSmtp } from './support/test-service';
import { HELPDESK_SECRETS, MAILGUN_KEY, POSTMARK, SENDGRID_SECRET, inboundSettings } from './fixtures/inbound/settings';
import type { EncodedForm } from './fixtures/inbound/multipart';
import {
  basicAuth,
  mail,
  mailgunMime,
  mailgunParsed,
  mailgunStamp,
  postmarkInbound,
  rfc822,
  sendgridParsed,
  sendgridRaw,
  standardWebhookHeaders,
} from './fixtures/inbound/providers';
import {
  CERT_URL,
  TOPIC_ARN,
  sesNotification,
  signSns,
  snsSigner,
  subscriptionConfirmation,
} from './fixtures/inbound/sns';

let api: ApiClient;
const signer = snsSigner();
/** Every URL the service asked the SNS port for; the port never touches the network here. */
const snsRequests: string[] = [];
const { world, smtp } = useWorldWithSmtp(async () => {
  const service = await world.start({ SMTP_URL: smtp.url, ...inboundSettings() });
  api = new ApiClient(service.url, null);
  Object.assign(service.app.get(SnsHttp), {
    get: async (url: string) => {
      snsRequests.push(url);
      if (url === CERT_URL) return signer.certificatePem;
      if (url.includes('Action=ConfirmSubscription')) return '<ConfirmSubscriptionResponse/>';
      throw new Error(`unexpected ${url}`);
    },
  });
});

const postForm = (path: string, form: EncodedForm, headers: Record<string, string> = {}) =>
  api.post(path, form.body, { 'content-type': form.contentType, ...headers });
const sendgridAuth = { authorization: basicAuth('sendgrid', SENDGRID_SECRET) };
const postmarkAuth = { authorization: basicAuth(POSTMARK.user, POSTMARK.password) };

async function eventFor(messageId: string) {
  const rows = await world.query<{
    source: string;
    from_address: string;
    subject: string;
    attachments: unknown;
    reply_channel: unknown;
    id: string;
  }>('SELECT * FROM inbound_events WHERE message_id = $1', [messageId]);
  assert.equal(rows.length, 1, `one event for ${messageId}`);
  const runs = await world.query('SELECT id FROM workflow_runs WHERE event_id = $1', [rows[0]!.id]);
  assert.equal(runs.length, 1, 'one run');
  return rows[0]!;
}

describe('SendGrid Inbound Parse', () => {
  test('parsed fields with an attachment: stored once with the attachment metadata; a repeat starts nothing', async () => {
    const message = mail();
    const form = sendgridParsed(message, [
      { filename: 'receipt.pdf', type: 'application/pdf', content: Buffer.alloc(300, 1) },
    ]);
    const first = await postForm('/api/v1/inbound/sendgrid', form, sendgridAuth);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.duplicate, false);
    const again = await postForm('/api/v1/inbound/sendgrid', form, sendgridAuth);
    assert.equal(again.body.duplicate, true);
    assert.equal(again.body.runId, first.body.runId);
    const event = await eventFor(message.messageId);
    assert.equal(event.source, 'sendgrid');
    assert.equal(event.from_address, 'jane.doe@customer.example');
    assert.deepEqual(event.attachments, [{ filename: 'receipt.pdf', contentType: 'application/pdf', size: 300 }]);
  });

  test('raw MIME variant', async () => {
    const message = mail({ subject: 'Raw MIME via SendGrid' });
    const accepted = await postForm('/api/v1/inbound/sendgrid', sendgridRaw(rfc822(message)), sendgridAuth);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal((await eventFor(message.messageId)).subject, 'Raw MIME via SendGrid');
  });

  test('a field in a declared charset is decoded; an unknown charset is 415', async () => {
    const message = mail();
    const latin = sendgridParsed(message, [], []);
    // Re-encode the subject in ISO-8859-1 and say so in charsets.
    const body = latin.body
      .toString('latin1')
      .replace(`"subject":"UTF-8"`, `"subject":"iso-8859-1"`)
      .replace(`name="subject"\r\n\r\n${message.subject}`, 'name="subject"\r\n\r\nCaf\xe9 order');
    const accepted = await api.post('/api/v1/inbound/sendgrid', Buffer.from(body, 'latin1'), {
      'content-type': latin.contentType,
      ...sendgridAuth,
    });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal((await eventFor(message.messageId)).subject, 'Café order');
    const unknown = Buffer.from(body.replace('iso-8859-1', 'x-klingon'), 'latin1');
    const refused = await api.post('/api/v1/inbound/sendgrid', unknown, {
      'content-type': latin.contentType,
      ...sendgridAuth,
    });
    assert.equal(refused.status, 415);
    assert.match(refused.body.message, /unsupported charset/);
  });

  test('wrong or missing basic auth is 401; an oversized attachment is 413 naming it', async () => {
    const form = sendgridParsed(mail());
    assert.equal((await postForm('/api/v1/inbound/sendgrid', form)).status, 401);
    assert.equal(
      (await postForm('/api/v1/inbound/sendgrid', form, { authorization: basicAuth('x', 'wrong-secret-0123456789') }))
        .status,
      401,
    );
    const big = sendgridParsed(mail(), [
      { filename: 'huge.zip', type: 'application/zip', content: Buffer.alloc(5000) },
    ]);
    const refused = await postForm('/api/v1/inbound/sendgrid', big, sendgridAuth);
    assert.equal(refused.status, 413);
    assert.match(refused.body.message, /huge\.zip.*1000/);
  });
});

describe('Mailgun routes', () => {
  test('parsed fields, signed: accepted; the same token again is refused with 406', async () => {
    const message = mail();
    const form = mailgunParsed(message, mailgunStamp(MAILGUN_KEY), [
      { name: 'attachment-1', filename: 'photo.png', contentType: 'image/png', value: Buffer.alloc(10) },
    ]);
    const accepted = await postForm('/api/v1/inbound/mailgun', form);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const event = await eventFor(message.messageId);
    assert.equal(event.source, 'mailgun');
    assert.deepEqual(event.attachments, [{ filename: 'photo.png', contentType: 'image/png', size: 10 }]);
    const replayed = await postForm('/api/v1/inbound/mailgun', form);
    assert.equal(replayed.status, 406);
    assert.match(replayed.body.message, /already used/);
    // Mailgun retrying the same message signs it afresh: a duplicate, no second run.
    const retried = await postForm('/api/v1/inbound/mailgun', mailgunParsed(message, mailgunStamp(MAILGUN_KEY)));
    assert.equal(retried.body.duplicate, true);
    assert.equal(retried.body.runId, accepted.body.runId);
  });

  test('the mime variant on /mailgun/mime', async () => {
    const message = mail({ subject: 'Mailgun MIME' });
    const accepted = await postForm(
      '/api/v1/inbound/mailgun/mime',
      mailgunMime(rfc822(message), mailgunStamp(MAILGUN_KEY)),
    );
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal((await eventFor(message.messageId)).subject, 'Mailgun MIME');
  });

  test('wrong key, missing signature and stale timestamp are 401', async () => {
    const message = mail();
    for (const stamp of [
      mailgunStamp('another-key'),
      { ...mailgunStamp(MAILGUN_KEY), signature: '' },
      mailgunStamp(MAILGUN_KEY, Date.now() - 60 * 60 * 1000),
    ]) {
      const refused = await postForm('/api/v1/inbound/mailgun', mailgunParsed(message, stamp));
      assert.equal(refused.status, 401, JSON.stringify(refused.body));
    }
    assert.equal(
      (await world.query('SELECT 1 FROM inbound_events WHERE message_id = $1', [message.messageId])).length,
      0,
    );
  });
});

describe('Postmark inbound', () => {
  test('the RFC Message-ID comes from Headers; attachment sizes are the decoded ones; duplicates start nothing', async () => {
    const message = mail();
    const body = postmarkInbound(message, [
      { Name: 'note.txt', ContentType: 'text/plain', Content: Buffer.from('hello world').toString('base64') },
    ]);
    const first = await api.post('/api/v1/inbound/postmark', JSON.stringify(body), {
      'content-type': 'application/json',
      ...postmarkAuth,
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const second = await api.post('/api/v1/inbound/postmark', JSON.stringify(body), {
      'content-type': 'application/json',
      ...postmarkAuth,
    });
    assert.equal(second.body.duplicate, true);
    const event = await eventFor(message.messageId);
    assert.equal(event.source, 'postmark');
    assert.deepEqual(event.attachments, [{ filename: 'note.txt', contentType: 'text/plain', size: 11 }]);
  });

  test('without basic auth: 401', async () => {
    const refused = await api.post('/api/v1/inbound/postmark', JSON.stringify(postmarkInbound(mail())), {
      'content-type': 'application/json',
    });
    assert.equal(refused.status, 401);
  });
});

describe('Standard Webhooks: POST /api/v1/webhooks/:source', () => {
  const payload = (messageId: string) =>
    JSON.stringify({
      type: 'ticket.created',
      timestamp: new Date().toISOString(),
      data: {
        messageId,
        from: { address: 'jane@customer.example', name: 'Jane' },
        subject: 'Ticket: refund',
        text: 'I would like a refund for order #1.',
      },
    });

  test('signed with either rotation secret: accepted once per webhook-id, reply channel stored', async () => {
    const messageId = `<wh-${Date.now()}@helpdesk.example>`;
    const body = payload(messageId);
    const headers = standardWebhookHeaders(HELPDESK_SECRETS[1]!, body);
    const first = await api.post('/api/v1/webhooks/helpdesk', body, headers);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    const retry = await api.post('/api/v1/webhooks/helpdesk', body, headers);
    assert.equal(retry.status, 202);
    assert.equal(retry.body.duplicate, true);
    assert.equal(retry.body.runId, first.body.runId);
    const event = await eventFor(messageId);
    assert.equal(event.source, 'webhook:helpdesk');
    assert.deepEqual(event.reply_channel, { channel: 'callback', url: 'https://helpdesk.example/callback' });
  });

  test('bad signature, stale timestamp, missing headers and unknown sources are refused', async () => {
    const body = payload(`<wh-bad-${Date.now()}@helpdesk.example>`);
    const cases: [string, Record<string, string>, number, RegExp][] = [
      [
        'helpdesk',
        standardWebhookHeaders('whsec_d3Jvbmctc2VjcmV0LWtleS0xMjM0NQ==', body),
        401,
        /No matching signature/,
      ],
      [
        'helpdesk',
        standardWebhookHeaders(HELPDESK_SECRETS[0]!, body, 'msg_old', new Date(Date.now() - 10 * 60 * 1000)),
        401,
        /too old/,
      ],
      ['helpdesk', { 'content-type': 'application/json' }, 401, /webhook-id/],
      ['nobody', standardWebhookHeaders(HELPDESK_SECRETS[0]!, body), 404, /unknown webhook source/],
    ];
    for (const [source, headers, status, message] of cases) {
      const refused = await api.post(`/api/v1/webhooks/${source}`, body, headers);
      assert.equal(refused.status, status, JSON.stringify(refused.body));
      assert.match(refused.body.message, message);
    }
  });
});

describe('Amazon SES via SNS', () => {
  const postSns = (fields: Record<string, string>) =>
    api.post('/api/v1/inbound/ses', JSON.stringify(fields), { 'content-type': 'text/plain; charset=UTF-8' });

  test('signature versions 1 and 2, UTF8 and BASE64 content: accepted; SNS redelivery starts nothing', async () => {
    for (const [version, encoding] of [
      ['1', 'UTF8'],
      ['2', 'BASE64'],
    ] as const) {
      const message = mail({ subject: `SES v${version}` });
      const notification = signSns(signer, sesNotification(rfc822(message), encoding), version);
      const accepted = await postSns(notification);
      assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
      assert.equal((await postSns(notification)).body.duplicate, true);
      const event = await eventFor(message.messageId);
      assert.equal(event.source, 'ses');
      assert.equal(event.subject, `SES v${version}`);
    }
  });

  test('an S3-action notification (no content) is refused with 400 saying an SNS action is needed; nothing stored', async () => {
    const message = mail({ subject: 'Stored in S3' });
    const published = sesNotification(rfc822(message));
    const { content: _content, ...s3Notification } = JSON.parse(published['Message']!) as Record<string, unknown>;
    const s3Action = { type: 'S3', topicArn: TOPIC_ARN, bucketName: 'inbound-mail', objectKey: 'mail/abc' };
    const receipt = { ...(s3Notification['receipt'] as object), action: s3Action };
    const events = async () => (await world.query('SELECT 1 FROM inbound_events')).length;
    const before = await events();
    const refused = await postSns(
      signSns(signer, { ...published, Message: JSON.stringify({ ...s3Notification, receipt }) }),
    );
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.match(refused.body.message, /S3 action/);
    assert.match(refused.body.message, /SNS action/);
    assert.equal(await events(), before);
  });

  test('a subscription is confirmed only through an SNS URL', async () => {
    const confirmed = await postSns(signSns(signer, subscriptionConfirmation()));
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.deepEqual(confirmed.body, { subscription: 'confirmed' });
    assert.ok(snsRequests.some((url) => url.includes('Action=ConfirmSubscription')));
    const evil = await postSns(
      signSns(
        signer,
        subscriptionConfirmation('https://sns.eu-west-1.amazonaws.com.evil.example/?Action=ConfirmSubscription'),
      ),
    );
    assert.equal(evil.status, 401);
  });

  test('tampered message, foreign certificate URL and unknown topic are refused without fetching anything else', async () => {
    const message = mail();
    const signed = signSns(signer, sesNotification(rfc822(message)));
    const tampered = await postSns({ ...signed, Message: signed['Message']!.replace('Where is', 'Wire money to') });
    assert.equal(tampered.status, 401);
    for (const url of [
      'https://sns.eu-west-1.amazonaws.com.evil.example/SimpleNotificationService-1.pem',
      'http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem',
      'https://evil.example/sns.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem',
    ]) {
      assert.equal((await postSns({ ...signed, SigningCertURL: url })).status, 401, url);
    }
    assert.equal((await postSns({ ...signed, TopicArn: 'arn:aws:sns:eu-west-1:999999999999:other' })).status, 403);
    assert.ok(
      snsRequests.every(
        (url) => url === CERT_URL || url.startsWith('https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription'),
      ),
    );
    assert.equal(
      (await world.query('SELECT 1 FROM inbound_events WHERE message_id = $1', [message.messageId])).length,
      0,
    );
  });
});
