import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApprovalRefusedError, approvedReply } from './approval';
import { REVIEWER_NOTE_MARKER } from './llm/local/feedback';

describe('approvedReply', () => {
  test('approve sends the draft, edit the reviewer’s text, and both name the reviewer', () => {
    assert.deepEqual(approvedReply('Draft.', { action: 'approve' }, 'ana'), { text: 'Draft.', approvedBy: 'ana' });
    assert.deepEqual(approvedReply('Draft.', { action: 'edit', text: 'Edited.' }, 'ana'), {
      text: 'Edited.',
      approvedBy: 'ana',
    });
  });
  test('reject and redraft send nothing', () => {
    assert.equal(approvedReply('Draft.', { action: 'reject', reason: 'wrong' }, 'ana'), null);
    assert.equal(approvedReply('Draft.', { action: 'redraft', feedback: 'shorter' }, 'ana'), null);
  });
  test('an empty draft cannot be approved, and the reviewer note never goes out', () => {
    assert.throws(() => approvedReply('  ', { action: 'approve' }, 'ana'), ApprovalRefusedError);
    const noted = `${REVIEWER_NOTE_MARKER} fix this] Draft.`;
    assert.throws(() => approvedReply(noted, { action: 'approve' }, 'ana'), ApprovalRefusedError);
    assert.throws(() => approvedReply('x', { action: 'edit', text: noted }, 'ana'), ApprovalRefusedError);
  });
});
