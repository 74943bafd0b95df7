import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.schema';

const KEY = { ADMIN_API_KEY: 'k'.repeat(32) };

describe('loadConfig', () => {
  test('defaults give a runnable local setup with the offline model', () => {
    const config = loadConfig(KEY);
    assert.equal(config.PORT, 3000);
    assert.equal(config.APP_ROLE, 'all');
    assert.equal(config.LLM_PROVIDER, 'local');
    assert.equal(config.SMTP_URL, undefined);
    assert.deepEqual(config.ALWAYS_REVIEW_CATEGORIES, ['legal', 'security', 'complaint']);
  });

  test('an OpenAI key switches the default provider to openai', () => {
    assert.equal(loadConfig({ ...KEY, OPENAI_API_KEY: 'sk-test' }).LLM_PROVIDER, 'openai');
  });

  test('TRUST_PROXY is a hop count or a list of proxies, never "trust everyone"', () => {
    assert.equal(loadConfig(KEY).TRUST_PROXY, undefined);
    assert.equal(loadConfig({ ...KEY, TRUST_PROXY: '2' }).TRUST_PROXY, 2);
    assert.deepEqual(loadConfig({ ...KEY, TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY, [
      'loopback',
      '10.0.0.0/8',
    ]);
    assert.throws(() => loadConfig({ ...KEY, TRUST_PROXY: 'true' }), /TRUST_PROXY/);
  });

  test('the sign-in lock cannot be longer at first than at most', () => {
    assert.throws(
      () => loadConfig({ ...KEY, SIGNIN_LOCK_SECONDS: '600', SIGNIN_MAX_LOCK_SECONDS: '60' }),
      /SIGNIN_MAX_LOCK_SECONDS/,
    );
  });

  test('empty values mean unset', () => {
    assert.equal(loadConfig({ ...KEY, SMTP_URL: '', PORT: '' }).PORT, 3000);
  });

  test('every bad setting is named in one error', () => {
    assert.throws(
      () =>
        loadConfig({
          PORT: 'eighty',
          DATABASE_URL: 'mysql://x/y',
          REDIS_URL: 'localhost',
          AUTO_SEND_THRESHOLDS: '{"billing": 2}',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.message;
        for (const name of ['ADMIN_API_KEY', 'PORT', 'DATABASE_URL', 'REDIS_URL', 'AUTO_SEND_THRESHOLDS']) {
          assert.match(text, new RegExp(name), `${name} is named`);
        }
        return true;
      },
    );
  });

  test('the openai provider needs its key', () => {
    assert.throws(
      () => loadConfig({ ...KEY, LLM_PROVIDER: 'openai' }),
      /OPENAI_API_KEY: is required when LLM_PROVIDER=openai/,
    );
  });

  test('thresholds and always-review must name taxonomy categories', () => {
    assert.throws(
      () => loadConfig({ ...KEY, ALWAYS_REVIEW_CATEGORIES: 'legal,made_up' }),
      /ALWAYS_REVIEW_CATEGORIES.*made_up|made_up/,
    );
  });

  test('the first admin needs both email and password', () => {
    assert.throws(() => loadConfig({ ...KEY, ADMIN_EMAIL: 'admin@example.com' }), /ADMIN_PASSWORD/);
    const config = loadConfig({ ...KEY, ADMIN_EMAIL: 'Admin@Example.com', ADMIN_PASSWORD: 'a-long-password' });
    assert.equal(config.ADMIN_EMAIL, 'admin@example.com');
    assert.equal(config.PUBLIC_UI_URL, 'http://127.0.0.1:3001');
    assert.equal(config.REVIEW_CLAIM_MINUTES, 15);
  });

  test('a callback reply needs an http(s) URL and its own signing secret', () => {
    const sources = (reply: object) =>
      JSON.stringify({ helpdesk: { secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], reply } });
    assert.throws(
      () => loadConfig({ ...KEY, WEBHOOK_SOURCES: sources({ channel: 'callback', url: 'https://h.example/cb' }) }),
      /WEBHOOK_SOURCES/,
    );
    assert.throws(
      () =>
        loadConfig({
          ...KEY,
          WEBHOOK_SOURCES: sources({
            channel: 'callback',
            url: 'ftp://h.example/cb',
            secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=',
          }),
        }),
      /WEBHOOK_SOURCES/,
    );
    const config = loadConfig({
      ...KEY,
      WEBHOOK_SOURCES: sources({
        channel: 'callback',
        url: 'https://h.example/cb',
        secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=',
      }),
    });
    assert.equal(config.WEBHOOK_SOURCES['helpdesk']?.reply.channel, 'callback');
    assert.equal(config.CALLBACK_TIMEOUT_MS, 10_000);
  });
});
