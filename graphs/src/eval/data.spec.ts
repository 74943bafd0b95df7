import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_TAXONOMY } from '../policy';
import { parseEvalCases, readEvalCases } from './dataset';

const DATA = resolve(__dirname, '../../data');
const evalCases = readEvalCases(join(DATA, 'eval/support-eval.jsonl'), DEFAULT_TAXONOMY);

/** Case, spacing and punctuation do not make a message new. */
const normalise = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

describe('the shipped evaluation set', () => {
  test('has at least 300 messages and every category of the taxonomy', () => {
    assert.ok(evalCases.length >= 300, `${evalCases.length} messages`);
    for (const { key } of DEFAULT_TAXONOMY) {
      const count = evalCases.filter((evalCase) => evalCase.category === key).length;
      assert.ok(count >= 20, `${key}: ${count} messages`);
    }
  });

  test('shares no message with the training data, after normalisation', () => {
    const trainingFiles = readdirSync(DATA).filter((name) => name.endsWith('.jsonl'));
    assert.ok(trainingFiles.length >= 3, trainingFiles.join(', '));
    const training = new Set<string>();
    for (const name of trainingFiles) {
      for (const line of readFileSync(join(DATA, name), 'utf8').split('\n').filter(Boolean)) {
        const { text } = JSON.parse(line) as { text: string };
        training.add(normalise(text));
        // Training lines put the subject on the first line; the body alone must not match either.
        training.add(normalise(text.split('\n').slice(1).join('\n')));
      }
    }
    const leaked = evalCases.filter(
      ({ subject, text }) => training.has(normalise(text)) || training.has(normalise(`${subject ?? ''}\n${text}`)),
    );
    assert.deepEqual(
      leaked.map(({ text }) => text),
      [],
    );
  });

  test('parsing names the line of a case without text', () => {
    assert.throws(
      () => parseEvalCases('{"text": "ok", "category": "billing"}\n{"category": "billing"}', DEFAULT_TAXONOMY, 'x'),
      /^Error: x:2: /,
    );
  });
});
