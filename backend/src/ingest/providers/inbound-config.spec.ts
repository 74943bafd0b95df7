import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../config/config.schema';

const KEY = { ADMIN_API_KEY: 'k'.repeat(32) };
const problems = (env: Record<string, string>) => {
  try {
    loadConfig({ ...KEY, ...env });
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('inbound channel settings', () => {
  test('every channel is off by default', () => {
    const config = loadConfig(KEY);
    assert.deepEqual(config.WEBHOOK_SOURCES, {});
    for (const setting of [
      'SENDGRID_INBOUND_SECRET',
      'MAILGUN_SIGNING_KEY',
      'POSTMARK_INBOUND_PASSWORD',
      'SES_TOPIC_ARNS',
      'IMAP_URL',
      'SMTP_LISTENER_PORT',
    ] as const) {
      assert.equal(config[setting], undefined, setting);
    }
  });

  test('WEBHOOK_SOURCES is validated and gets defaults', () => {
    const config = loadConfig({
      ...KEY,
      WEBHOOK_SOURCES: JSON.stringify({ helpdesk: { secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] } }),
    });
    assert.deepEqual(config.WEBHOOK_SOURCES['helpdesk'], {
      secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      workflow: 'email-triage',
      reply: { channel: 'none' },
    });
    assert.match(
      problems({ WEBHOOK_SOURCES: JSON.stringify({ helpdesk: { secrets: [] } }) }).join(),
      /WEBHOOK_SOURCES/,
    );
    assert.match(
      problems({
        WEBHOOK_SOURCES: JSON.stringify({ 'Bad Name': { secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] } }),
      }).join(),
      /WEBHOOK_SOURCES/,
    );
  });

  test('half-configured channels are named', () => {
    assert.match(problems({ POSTMARK_INBOUND_USER: 'pm' }).join(), /POSTMARK_INBOUND_PASSWORD/);
    assert.match(problems({ IMAP_URL: 'imap://127.0.0.1:143' }).join(), /IMAP_USER/);
    assert.match(problems({ SES_TOPIC_ARNS: 'not-an-arn' }).join(), /SES_TOPIC_ARNS/);
    assert.match(problems({ IMAP_URL: 'http://x' }).join(), /IMAP_URL/);
  });
});
