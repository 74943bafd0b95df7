import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Classification } from '@handoff/contracts';
import { startFakeOpenAIServer, triageResponder } from '../testing';
import type { EvalReport } from './report';

const CLI = resolve(__dirname, 'cli.js');
const SHIPPED_SET = resolve(__dirname, '../../data/eval/support-eval.jsonl');
const SHIPPED_COUNT = readFileSync(SHIPPED_SET, 'utf8').split('\n').filter(Boolean).length;
const work = mkdtempSync(join(tmpdir(), 'handoff-eval-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a user would; asynchronously, so a fake server in this process can answer it. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<Exit> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env['PATH'] ?? '', ...env }, cwd: work },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as EvalReport;

describe('npm run eval on the shipped set with the local model', () => {
  const out = join(work, 'local');
  let report: EvalReport;

  test('runs every message, beats the previous model and writes the report files', async () => {
    const exit = await runCli(['--data', SHIPPED_SET, '--out', out, '--baseline']);
    assert.equal(exit.code, 0, exit.stderr);
    assert.ok(exit.stderr.includes(`local-linear: ${SHIPPED_COUNT}/${SHIPPED_COUNT}`), 'progress goes to stderr');
    report = readReport(out);
    const { metrics } = report.model;
    assert.equal(report.model.model, 'local-linear');
    assert.equal(metrics.messages, SHIPPED_COUNT);
    assert.equal(report.model.cases.length, SHIPPED_COUNT);
    assert.ok(metrics.accuracy >= 0.8, `accuracy ${metrics.accuracy} is below the 0.80 goal`);
    assert.ok(report.baseline, 'the baseline ran');
    assert.equal(report.baseline.model, 'local-nb (previous)');
    assert.ok(metrics.accuracy > report.baseline.metrics.accuracy, 'the shipped model beats the one it replaced');
    assert.ok(metrics.macroF1 > report.baseline.metrics.macroF1);
    assert.equal(report.model.usage, null, 'no tokens without an LLM');
  });

  test('report.json figures agree with each other', () => {
    const { metrics, cases, wrongAutoSends } = report.model;
    const { labels, matrix } = metrics.confusion;
    assert.equal(
      matrix.flat().reduce((sum, count) => sum + count, 0),
      SHIPPED_COUNT,
    );
    const diagonal = labels.reduce((sum, _, index) => sum + (matrix[index]?.[index] ?? 0), 0);
    assert.equal(diagonal / SHIPPED_COUNT, metrics.accuracy);
    assert.equal(metrics.perCategory.length, 12);
    for (const score of metrics.perCategory) {
      assert.ok(score.support >= 24, `${score.category} has ${score.support} messages`);
      assert.ok(score.f1 >= 0 && score.f1 <= 1);
    }
    assert.equal(
      metrics.calibration.bins.reduce((sum, bin) => sum + bin.count, 0),
      SHIPPED_COUNT,
    );
    assert.ok(metrics.calibration.ece >= 0 && metrics.calibration.ece < 0.2, `ECE ${metrics.calibration.ece}`);

    // Raising the threshold can only shrink what is sent.
    const coverage = metrics.gateCurve.map((point) => point.coverage);
    assert.ok(coverage.every((value, index) => index === 0 || value <= (coverage[index - 1] ?? 1)));
    assert.equal(metrics.gateCurve.length, 101);

    const autoSent = cases.filter((row) => row.routing === 'auto_send');
    assert.equal(metrics.autoSend.sent, autoSent.length);
    assert.ok(autoSent.length > 0, 'something auto-sends under the default policy');
    // The default policy never auto-sends an always-review category or below 0.8.
    assert.ok(autoSent.every((row) => !['legal', 'security', 'complaint'].includes(row.predicted)));
    assert.ok(autoSent.every((row) => row.confidence >= 0.8));
    const wrong = autoSent.filter((row) => row.predicted !== row.expected);
    assert.deepEqual(
      wrongAutoSends.map((item) => item.line),
      wrong.map((row) => row.line),
    );
    assert.equal(metrics.autoSend.wrong, wrong.length);
  });

  test('report.md and the SVG charts show the same figures', () => {
    const markdown = readFileSync(join(out, 'report.md'), 'utf8');
    const { metrics } = report.model;
    assert.match(markdown, /^# Handoff evaluation report/);
    assert.ok(markdown.includes(`| local-linear | ${(metrics.accuracy * 100).toFixed(1)}% |`), 'summary row');
    assert.ok(markdown.includes('| local-nb (previous) |'), 'baseline row');
    assert.ok(markdown.includes(`## Would-be-wrong auto-sends (${metrics.autoSend.wrong})`));
    for (const chart of ['per-category.svg', 'confusion.svg', 'reliability.svg', 'gate.svg']) {
      assert.ok(markdown.includes(`](${chart})`), `report.md shows ${chart}`);
      const svg = readFileSync(join(out, chart), 'utf8');
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>\n$/, chart);
    }
    assert.ok(readFileSync(join(out, 'reliability.svg'), 'utf8').includes(`ECE ${metrics.calibration.ece.toFixed(3)}`));
    assert.match(readFileSync(join(out, 'gate.svg'), 'utf8'), /<path d="M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+"/);
  });
});

describe('npm run eval with --provider openai', () => {
  test('runs against an OpenAI-compatible endpoint, counts tokens and prices them', async () => {
    // Three messages; the scripted model gets the shipping one wrong, confidently.
    const data = join(work, 'three.jsonl');
    writeFileSync(
      data,
      [
        { subject: 'Where is my order #55120?', text: 'Nothing has arrived yet.', category: 'order_status' },
        { text: 'Do you ship to Chile?', category: 'shipping', expectedReply: 'Yes, we ship to Chile.' },
        { text: 'Someone logged into my account from abroad.', category: 'security' },
      ]
        .map((line) => JSON.stringify(line))
        .join('\n'),
    );
    const categoryFor = (prompt: string): string =>
      prompt.includes('#55120') ? 'order_status' : prompt.includes('Chile') ? 'billing' : 'security';
    const server = await startFakeOpenAIServer({
      apiKey: 'sk-eval-test',
      responder: triageResponder((prompt) => {
        const classification: Classification = {
          category: categoryFor(prompt),
          intent: 'asks a question',
          language: 'en',
          urgency: 'normal',
          riskFlags: [],
          categoryConfidence: 0.95,
        };
        return {
          classification,
          draft:
            'Hi Alex,\n\nThanks for your message. We ship to Chile and will get back to you soon.\n\nThe Support Team',
          assessment: { confidence: 0.9, reasons: ['Scripted.'] },
        };
      }),
    });
    try {
      const out = join(work, 'openai');
      const exit = await runCli(
        ['--data', data, '--provider', 'openai', '--out', out, '--price-in', '1', '--price-out', '2'],
        {
          OPENAI_BASE_URL: server.baseURL,
          OPENAI_API_KEY: 'sk-eval-test',
          LLM_MODEL: 'gpt-eval',
        },
      );
      assert.equal(exit.code, 0, exit.stderr);
      // Two calls per message: classify, then the draft with its self-assessment.
      assert.equal(server.requests.length, 6);
      assert.ok(server.requests.every((request) => request.body.model === 'gpt-eval'));

      const report = readReport(out);
      const { metrics, usage, wrongAutoSends, replyOverlap } = report.model;
      assert.equal(report.model.model, 'openai:gpt-eval');
      assert.equal(metrics.accuracy, 2 / 3);
      assert.deepEqual(
        report.model.cases.map((row) => [row.predicted, row.routing]),
        [
          ['order_status', 'auto_send'],
          ['billing', 'auto_send'],
          ['security', 'review'],
        ],
      );
      assert.deepEqual(
        wrongAutoSends.map((item) => [item.line, item.expected, item.predicted]),
        [[2, 'shipping', 'billing']],
      );
      assert.ok(usage);
      assert.equal(usage.calls, 6);
      assert.ok(usage.inputTokens > 0 && usage.outputTokens > 0);
      assert.equal(usage.costUsd, (usage.inputTokens * 1 + usage.outputTokens * 2) / 1e6);
      assert.equal(replyOverlap?.cases, 1);
      assert.ok((replyOverlap?.mean ?? 0) > 0);
      const markdown = readFileSync(join(out, 'report.md'), 'utf8');
      assert.ok(markdown.includes(`${usage.inputTokens + usage.outputTokens} (6 calls)`));
      assert.ok(markdown.includes('| 2 | shipping | billing |'));
    } finally {
      await server.close();
    }
  });

  test('without a key it says what is missing and exits 2', async () => {
    const exit = await runCli(['--data', SHIPPED_SET, '--provider', 'openai', '--out', join(work, 'nokey')]);
    assert.equal(exit.code, 2);
    assert.match(exit.stderr, /--provider openai needs OPENAI_API_KEY/);
  });
});

describe('npm run eval with bad input', () => {
  test('a missing --data, an unknown category, broken JSON and a bad policy setting are named, exit 2', async () => {
    const missing = await runCli([]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--data is required/);

    const file = join(work, 'bad.jsonl');
    writeFileSync(file, '{"text": "hello", "category": "order_status"}\n{"text": "hi", "category": "sales"}\n');
    const unknown = await runCli(['--data', file]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /bad\.jsonl:2: category "sales" is not in the taxonomy/);

    writeFileSync(file, '{"text": "hello", "category": "order_status"}\n{oops\n');
    const broken = await runCli(['--data', file]);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /bad\.jsonl:2: not valid JSON/);

    const threshold = await runCli(['--data', SHIPPED_SET], { DEFAULT_AUTO_SEND_THRESHOLD: '2' });
    assert.equal(threshold.code, 2);
    assert.match(threshold.stderr, /expected number to be <=1\n\s+→ at DEFAULT_AUTO_SEND_THRESHOLD/);
  });
});
