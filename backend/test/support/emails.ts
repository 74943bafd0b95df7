import { randomUUID } from 'node:crypto';

/** A customer asking where their order is: the local model answers these on its own. */
export function orderStatusEmail(overrides: Record<string, unknown> = {}) {
  return {
    messageId: `<${randomUUID()}@customer.example>`,
    from: { address: 'jane.doe@customer.example', name: 'Jane Doe' },
    to: [{ address: 'support@handoff.test' }],
    subject: 'Where is my order #48213?',
    text: 'Hi, I ordered a lamp last week, order #48213, and it still has not arrived. Can you tell me where my order is and when it will be delivered? Thanks, Jane',
    ...overrides,
  };
}

/** An angry complaint: always goes to a human, whatever the confidence. */
export function complaintEmail(overrides: Record<string, unknown> = {}) {
  return {
    messageId: `<${randomUUID()}@customer.example>`,
    from: { address: 'bob@customer.example', name: 'Bob Stone' },
    to: [{ address: 'support@handoff.test' }],
    subject: 'Terrible service, I want to complain',
    text: 'This is the worst service I have ever experienced. Your agent was rude and nobody has answered my emails for two weeks. I am extremely unhappy and want to file a formal complaint with a manager.',
    ...overrides,
  };
}

/** Raw RFC 5322 bytes, CRLF line endings as on the wire. */
export function rawEmail(headers: Record<string, string>, body: string): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n${body.replace(/\n/g, '\r\n')}\r\n`;
}
