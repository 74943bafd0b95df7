import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mailDomain, replyMessageId, replySubject, threadingHeaders } from './threading';

describe('replySubject', () => {
  test('adds one "Re: "', () => assert.equal(replySubject('Where is my order?'), 'Re: Where is my order?'));
  test('never stacks prefixes, whatever their case or language', () => {
    assert.equal(replySubject('Re: Re: RE: help'), 'Re: help');
    assert.equal(replySubject('AW: Re[2]: Rechnung'), 'Re: Rechnung');
    assert.equal(replySubject('  re:   spaced  '), 'Re: spaced');
  });
  test('keeps words that merely start like a prefix', () =>
    assert.equal(replySubject('Refund please'), 'Re: Refund please'));
  test('fills an empty subject', () => assert.equal(replySubject(''), 'Re: (no subject)'));
});

describe('threadingHeaders', () => {
  test('In-Reply-To is the original Message-ID and References end with it', () => {
    assert.deepEqual(threadingHeaders({ messageId: '<c@x>', references: ['<a@x>', '<b@x>'], inReplyTo: '<b@x>' }), {
      inReplyTo: '<c@x>',
      references: ['<a@x>', '<b@x>', '<c@x>'],
    });
  });
  test('falls back to In-Reply-To when the original had no References', () => {
    assert.deepEqual(threadingHeaders({ messageId: '<c@x>', references: [], inReplyTo: '<b@x>' }).references, [
      '<b@x>',
      '<c@x>',
    ]);
  });
  test('does not repeat an id already in References', () => {
    assert.deepEqual(threadingHeaders({ messageId: '<c@x>', references: ['<c@x>'], inReplyTo: null }).references, [
      '<c@x>',
    ]);
  });
  test('without an original Message-ID there is nothing to thread on', () => {
    assert.deepEqual(threadingHeaders({ messageId: null, references: ['<a@x>'], inReplyTo: null }), {
      inReplyTo: null,
      references: [],
    });
  });
});

test('our Message-ID is deterministic per run and on our domain', () => {
  assert.equal(mailDomain('Support@Handoff.Example'), 'handoff.example');
  assert.equal(replyMessageId('r1', 'handoff.example'), '<reply-r1@handoff.example>');
  assert.equal(replyMessageId('r1', 'handoff.example'), replyMessageId('r1', 'handoff.example'));
});
