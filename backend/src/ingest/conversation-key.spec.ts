import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { conversationKey } from './conversation-key';

const first = { fromAddress: 'Ana@Customer.example', messageId: '<m1@c.example>', inReplyTo: null, references: [] };

describe('conversationKey', () => {
  test('a first message, its follow-up and the answer to our reply share one key', () => {
    const followUp = { ...first, messageId: '<m2@c.example>', inReplyTo: '<m1@c.example>', references: [] };
    const afterOurReply = {
      ...first,
      messageId: '<m3@c.example>',
      inReplyTo: '<r1@handoff.test>',
      references: ['<m1@c.example>', '<r1@handoff.test>'],
    };
    const key = conversationKey(first);
    assert.equal(key, 'ana@customer.example <m1@c.example>');
    assert.equal(conversationKey(followUp), key);
    assert.equal(conversationKey(afterOurReply), key);
  });

  test('another sender naming the same thread is another conversation', () => {
    const stranger = { ...first, fromAddress: 'mallory@elsewhere.example', messageId: '<x@e.example>' };
    assert.notEqual(conversationKey({ ...stranger, inReplyTo: '<m1@c.example>' }), conversationKey(first));
  });

  test('a message naming no Message-ID belongs to no conversation', () => {
    assert.equal(conversationKey({ ...first, messageId: null }), null);
  });
});
