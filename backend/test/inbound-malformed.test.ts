import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SnsHttp } from '../src/ingest/providers/ses/sns-http';
import { CORPUS_LIMITS, malformedCorpus } from './fixtures/inbound/malformed';
import { inboundSettings } from './fixtures/inbound/settings';
import { CERT_URL, snsSigner } from './fixtures/inbound/sns';
import { useWorldWithSmtp } from './support/test-service';

const signer = snsSigner();
let baseUrl: string;
const { world, smtp } = useWorldWithSmtp(async () => {
  const service = await world.start({ SMTP_URL: smtp.url, ...inboundSettings(), ...CORPUS_LIMITS });
  baseUrl = service.url;
  Object.assign(service.app.get(SnsHttp), {
    get: async (url: string) => {
      if (url === CERT_URL) return signer.certificatePem;
      throw new Error(`unexpected fetch of ${url}`);
    },
  });
});

test('every malformed or hostile input gets a 4xx with a reason and stores nothing', async () => {
  const corpus = malformedCorpus(signer);
  assert.ok(corpus.length >= 100, `corpus has ${corpus.length} cases`);
  const wrong: string[] = [];
  for (const hostile of corpus) {
    const response = await fetch(`${baseUrl}${hostile.path}`, {
      method: 'POST',
      headers: hostile.headers,
      body: hostile.body,
    });
    const body = (await response.json().catch(() => ({}))) as { message?: unknown };
    const statusOk = hostile.status
      ? response.status === hostile.status
      : response.status >= 400 && response.status < 500;
    if (!statusOk || typeof body.message !== 'string' || body.message === '') {
      wrong.push(
        `${hostile.name}: ${response.status} ${JSON.stringify(body).slice(0, 200)} (expected ${hostile.status ?? '4xx'})`,
      );
    }
  }
  assert.deepEqual(wrong, [], `${wrong.length} of ${corpus.length} cases answered wrongly`);
  const [counts] = await world.query<{ events: number; runs: number; tokens: number }>(
    `SELECT (SELECT count(*)::int FROM inbound_events) AS events, (SELECT count(*)::int FROM workflow_runs) AS runs,
            (SELECT count(*)::int FROM inbound_replay_tokens) AS tokens`,
  );
  assert.deepEqual(counts, { events: 0, runs: 0, tokens: 0 }, 'nothing leaked into the database');
});
