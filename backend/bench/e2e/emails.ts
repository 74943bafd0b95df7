import type { InboundMessage } from '@handoff/graphs';

/** Which way an email is meant to go: answered on its own, or held for a person. */
export type EmailKind = 'auto' | 'review';

/** The JSON body of POST /api/v1/events/email. */
export interface BenchEmail {
  messageId: string;
  from: { address: string; name: string };
  to: { address: string }[];
  subject: string;
  text: string;
}

const NAMES = ['Ines Varga', 'Tomas Berg', 'Leila Haddad', 'Owen Price', 'Mira Kovac', 'Jonas Weil', 'Ada Brennan'];
const PRODUCTS = ['desk lamp', 'pair of boots', 'coffee grinder', 'backpack', 'wool blanket', 'bike light'];

// Order-status questions: the local model's clearest category, no risk words, so they auto-send.
const AUTO_TEMPLATES = [
  (name: string, order: number, product: string) => ({
    subject: `Where is my order #${order}?`,
    text: `Hello, I ordered a ${product} ten days ago, order #${order}, and it has not arrived yet. Could you tell me where my order is and when it will be delivered? Thank you, ${name}`,
  }),
  (name: string, order: number, product: string) => ({
    subject: `Status of order ${order}`,
    text: `Hi there, can you check the status of my order ${order}? It was a ${product} and the tracking page has not changed for a week. When will it arrive? Best, ${name}`,
  }),
];

// Complaints are always reviewed (ALWAYS_REVIEW_CATEGORIES), whatever the model's confidence.
const REVIEW_TEMPLATES = [
  (name: string, order: number, product: string) => ({
    subject: 'Very poor service, I want to complain',
    text: `This is the worst service I have had in years. The ${product} from order ${order} arrived late, your agent was rude to me on the phone and nobody answers my emails. I am very unhappy and want to file a formal complaint with a manager. ${name}`,
  }),
  (name: string, order: number, product: string) => ({
    subject: 'Formal complaint about your support team',
    text: `I am extremely disappointed. Nobody has replied to me for two weeks about my ${product} (order ${order}), and the person I spoke to was dismissive and rude. I want to make a formal complaint and speak to a manager. ${name}`,
  }),
];

/** The address the reply goes to: unique per email, so a captured reply names its email. */
export function customerAddress(runTag: string, kind: EmailKind, index: number): string {
  return `${kind}-${index}.${runTag}@customer.example`;
}

/** The `index`-th email of a kind, varied in sender, order number and product. */
export function benchEmail(runTag: string, kind: EmailKind, index: number): BenchEmail {
  const name = NAMES[index % NAMES.length]!;
  const order = 40_000 + ((index * 7_919) % 50_000);
  const product = PRODUCTS[index % PRODUCTS.length]!;
  const templates = kind === 'auto' ? AUTO_TEMPLATES : REVIEW_TEMPLATES;
  const { subject, text } = templates[index % templates.length]!(name, order, product);
  return {
    messageId: `<${kind}-${index}.${runTag}@customer.example>`,
    from: { address: customerAddress(runTag, kind, index), name },
    to: [{ address: 'support@handoff.bench' }],
    subject,
    text,
  };
}

/** The same email as the graph sees it, for the bare-engine baseline. */
export function inboundMessage(email: BenchEmail, eventId: string): InboundMessage {
  return {
    eventId,
    messageId: email.messageId,
    from: email.from,
    to: email.to,
    cc: [],
    subject: email.subject,
    text: email.text,
    receivedAt: new Date().toISOString(),
    attachments: [],
    thread: [],
  };
}
