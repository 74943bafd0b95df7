import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { reasonToIgnore } from './loop-guard';
import type { ParsedEmail } from './parsed-email';

const email = (headers: Record<string, string> = {}, overrides: Partial<ParsedEmail> = {}): ParsedEmail => ({
  messageId: '<m1@customer.example>',
  from: { address: 'jane@customer.example' },
  to: [],
  cc: [],
  subject: 'hello',
  text: 'hello',
  references: [],
  headers,
  attachments: [],
  ...overrides,
});
const ignore = (mail: ParsedEmail) => reasonToIgnore(mail, 'handoff.example', 'support@handoff.example');

describe('reasonToIgnore', () => {
  test('answers ordinary mail', () => assert.equal(ignore(email()), null));
  test('Auto-Submitted other than "no"', () => {
    assert.match(ignore(email({ 'auto-submitted': 'auto-replied' }))!, /Auto-Submitted/);
    assert.match(ignore(email({ 'auto-submitted': 'Auto-Generated' }))!, /Auto-Submitted/);
    assert.equal(ignore(email({ 'auto-submitted': 'No' })), null);
  });
  test('Precedence bulk, list and junk but not first-class', () => {
    for (const value of ['bulk', 'list', 'JUNK']) assert.match(ignore(email({ precedence: value }))!, /Precedence/);
    assert.equal(ignore(email({ precedence: 'first-class' })), null);
  });
  test('X-Autoreply and X-Autorespond', () => {
    assert.ok(ignore(email({ 'x-autoreply': 'yes' })));
    assert.ok(ignore(email({ 'x-autorespond': '' })));
  });
  test('delivery status reports, but not other multipart/report', () => {
    assert.equal(
      ignore(email({ 'content-type': 'multipart/report; report-type=delivery-status; boundary="x"' })),
      'delivery status report',
    );
    assert.equal(
      ignore(email({ 'content-type': 'multipart/report; report-type="delivery-status"' })),
      'delivery status report',
    );
    assert.equal(ignore(email({ 'content-type': 'multipart/report; report-type=disposition-notification' })), null);
  });
  test('our own Message-IDs and our own address', () => {
    assert.equal(ignore(email({}, { messageId: '<reply-1@Handoff.Example>' })), 'our own outgoing message');
    assert.equal(ignore(email({}, { from: { address: 'SUPPORT@handoff.example' } })), 'sent from our own address');
  });
});
