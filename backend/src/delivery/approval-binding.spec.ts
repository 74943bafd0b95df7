import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { approvalHash, recipientOf, verifyApproval } from './approval-binding';

const artifact = {
  text: 'Your parcel ships Friday.',
  recipient: 'ana@c.example',
  subject: 'Re: Parcel',
  latestInboundEventId: 'e1',
};
const row = {
  body: artifact.text,
  toAddress: artifact.recipient,
  target: null,
  subject: artifact.subject,
  approvalHash: approvalHash(artifact),
};

describe('approval binding', () => {
  test('the hash changes with each bound field and with nothing else', () => {
    assert.equal(approvalHash({ ...artifact }), approvalHash(artifact));
    for (const field of ['text', 'recipient', 'subject', 'latestInboundEventId'] as const)
      assert.notEqual(approvalHash({ ...artifact, [field]: `${artifact[field]}x` }), approvalHash(artifact), field);
    // Fields are delimited: moving characters between two fields is another artifact.
    assert.notEqual(
      approvalHash({ ...artifact, text: 'ab', recipient: 'c' }),
      approvalHash({ ...artifact, text: 'a', recipient: 'bc' }),
    );
  });

  test('a non-email recipient hashes the same whatever order jsonb gives its keys back in', () => {
    const target = { channel: 'callback', url: 'https://h.example/cb', source: 's', eventId: 'e', webhookId: 'w' };
    const reordered = Object.fromEntries(Object.entries(target).reverse());
    assert.equal(
      recipientOf({ toAddress: null, target: target as never }),
      recipientOf({ toAddress: null, target: reordered as never }),
    );
  });

  test('the row as approved, with no newer message, may go out', () => {
    assert.deepEqual(verifyApproval(row, 'e1', null), { ok: true });
  });

  test('a newer message from the customer makes the approval stale', () => {
    assert.deepEqual(verifyApproval(row, 'e1', 'e2'), { ok: false, reason: 'stale', newerEventId: 'e2' });
  });

  test('a changed text, recipient or subject, or a missing or forged hash, is a mismatch', () => {
    const mismatch = { ok: false, reason: 'mismatch' };
    assert.deepEqual(verifyApproval({ ...row, body: 'Refund of $5,000 approved.' }, 'e1', null), mismatch);
    assert.deepEqual(verifyApproval({ ...row, toAddress: 'mallory@e.example' }, 'e1', null), mismatch);
    assert.deepEqual(verifyApproval({ ...row, subject: 'Re: other' }, 'e1', null), mismatch);
    assert.deepEqual(verifyApproval({ ...row, approvalHash: null }, 'e1', null), mismatch);
    assert.deepEqual(verifyApproval({ ...row, approvalHash: 'f'.repeat(64) }, 'e1', null), mismatch);
    // Bound to another message of the thread than the run's own.
    assert.deepEqual(verifyApproval(row, 'e0', null), mismatch);
  });
});
