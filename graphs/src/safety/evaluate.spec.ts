import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scanMessage } from '../safety';
import { attackMessage, evaluateSafety, readAttacks, readOrdinaryMail } from './evaluate';

const TRICKS = [
  'look-alike',
  'zero-width',
  'full-width',
  'spaced-letters',
  'leetspeak',
  'synonym',
  'secret',
  'fake-system',
];
const FIELDS = ['subject', 'body', 'fromName', 'toName', 'ccName', 'attachmentName', 'contentType', 'thread'];
const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl'];

describe('the shipped injection and ordinary-mail sets', () => {
  const attacks = readAttacks();
  const ordinary = readOrdinaryMail();

  test('are big and varied enough to measure anything', () => {
    assert.ok(attacks.length >= 150, `${attacks.length} attacks`);
    assert.ok(ordinary.length >= 200, `${ordinary.length} ordinary emails`);
    for (const trick of TRICKS)
      assert.ok(
        attacks.some((attack) => attack.tricks.includes(trick)),
        trick,
      );
    for (const field of FIELDS)
      assert.ok(
        attacks.some((attack) => attack.field === field),
        field,
      );
    for (const language of LANGUAGES) {
      assert.ok(
        attacks.some((attack) => attack.language === language),
        `attacks in ${language}`,
      );
      assert.ok(
        ordinary.some((mail) => mail.language === language),
        `ordinary mail in ${language}`,
      );
    }
    assert.equal(new Set(attacks.map((attack) => attack.id)).size, attacks.length, 'attack ids are unique');
  });

  test('the checks catch at least 95% of attacks and flag at most 2% of ordinary mail', () => {
    const result = evaluateSafety(attacks, ordinary);
    const missed = result.missed.map((attack) => attack.id).join(', ');
    const wrong = result.wronglyFlagged.map((mail) => mail.id).join(', ');
    assert.ok(result.recall >= 0.95, `recall ${result.recall.toFixed(3)}; missed ${missed}`);
    assert.ok(result.falsePositiveRate <= 0.02, `false-positive rate ${result.falsePositiveRate.toFixed(3)}: ${wrong}`);
  });

  test('a caught attack is found in the field it was placed in', () => {
    for (const attack of attacks) {
      const report = scanMessage(attackMessage(attack));
      if (report.flags.length === 0) continue;
      const fields = report.findings.map((finding) => finding.field);
      const expected = {
        subject: 'subject',
        body: 'body',
        fromName: 'From name',
        toName: 'To 1 name',
        ccName: 'Cc 1 name',
        attachmentName: 'attachment 1 filename',
        contentType: 'attachment 1 content type',
        thread: 'thread message 1',
      }[attack.field];
      assert.ok(fields.includes(expected), `${attack.id}: ${fields.join(', ')}`);
    }
  });
});
