import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../config/config.schema';
import { withWorkContext } from './context';
import { createLogger, PinoNestLogger } from './logger';
import { tracerProviderFromConfig } from './tracing';

const KEY = { ADMIN_API_KEY: 'k'.repeat(32) };

describe('logger', () => {
  const capture = () => {
    const lines: Record<string, unknown>[] = [];
    const logger = new PinoNestLogger(
      createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } }),
    );
    return { lines, logger };
  };

  test('lines carry the ids of the work they belong to, and the Nest context', () => {
    const { lines, logger } = capture();
    withWorkContext({ runId: 'r1', eventId: 'e1', jobId: 'j1' }, () => logger.log('step done', 'WorkflowRunner'));
    assert.deepEqual(
      { ...lines[0], time: undefined },
      {
        level: 'info',
        time: undefined,
        service: 'handoff',
        runId: 'r1',
        eventId: 'e1',
        jobId: 'j1',
        context: 'WorkflowRunner',
        msg: 'step done',
      },
    );
  });

  test('secrets and message content are redacted wherever they sit in a logged object', () => {
    const { lines, logger } = capture();
    logger.warn({
      msg: 'oops',
      text: 'customer body',
      reply: { draft: 'our draft', html: '<p>x</p>' },
      headers: { authorization: 'Bearer secret' },
      apiKey: 'secret',
    });
    const line = JSON.stringify(lines[0]);
    for (const secret of ['customer body', 'our draft', '<p>x</p>', 'Bearer secret', '"secret"']) {
      assert.ok(!line.includes(secret), `${secret} leaked: ${line}`);
    }
    assert.equal(lines[0]!.msg, 'oops');
  });

  test('Nest level lists map to their lowest level; below it nothing is written', () => {
    const lines: string[] = [];
    const logger = new PinoNestLogger(
      createLogger({ level: ['error'], destination: { write: (line: string) => void lines.push(line) } }),
    );
    logger.log('quiet');
    logger.error('loud');
    assert.equal(lines.length, 1);
  });
});

describe('tracing configuration', () => {
  test('is off unless OTEL_* asks for it', () => {
    assert.equal(tracerProviderFromConfig(loadConfig(KEY)), undefined);
    assert.equal(
      tracerProviderFromConfig(
        loadConfig({ ...KEY, OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }),
      ),
      undefined,
    );
  });

  test('an OTLP endpoint or a named exporter turns it on', async () => {
    for (const env of [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, { OTEL_TRACES_EXPORTER: 'console' }]) {
      const provider = tracerProviderFromConfig(loadConfig({ ...KEY, ...env }));
      assert.ok(provider, JSON.stringify(env));
      await provider.shutdown();
    }
  });
});
