/** What the local model fills into a reply. */
export interface ReplyFields {
  firstName: string | null;
  /** e.g. "#12345" or "ORD-12345". */
  orderRef: string | null;
}

/** Adjustments a reviewer's feedback can ask for; the local model cannot rewrite freely. */
export interface ReplyStyle {
  apology: boolean;
  formal: boolean;
  short: boolean;
}

export const PLAIN_STYLE: ReplyStyle = { apology: false, formal: false, short: false };

interface ReplyTemplate {
  /** Short phrase for Classification.intent. */
  intent: string;
  /** The reply is only a stopgap without an order reference. */
  needsOrder: boolean;
  body(fields: ReplyFields): string[];
  /** Helpful paragraphs that go when a reviewer asks for a shorter reply. */
  extra: string[];
}

const about = (ref: string | null) => (ref ? `order ${ref}` : 'your order');
const askForOrder = (ref: string | null) =>
  ref ? [] : ['Could you reply with your order number? You will find it in your order confirmation email.'];

// A Map, so a category named like an Object.prototype member finds no template.
const TEMPLATES = new Map<string, ReplyTemplate>(
  Object.entries({
    order_status: {
      intent: 'wants to know where their order is',
      needsOrder: true,
      body: ({ orderRef }) => [
        `Thanks for getting in touch about ${about(orderRef)}.`,
        orderRef
          ? 'We are checking its status with our warehouse and the carrier and will email you an update within one business day.'
          : 'We would like to check its status straight away.',
        ...askForOrder(orderRef),
      ],
      extra: [
        'Once an order has shipped, the tracking link in your shipping confirmation email shows its latest status.',
      ],
    },
    returns_refunds: {
      intent: 'wants to return an item or get a refund',
      needsOrder: true,
      body: ({ orderRef }) => [
        `Thanks for your message about a return or refund for ${about(orderRef)}.`,
        'You can start a return from the Orders section of your account, where you will also find the return label. Refunds go back to the original payment method once the return reaches us.',
        ...askForOrder(orderRef),
      ],
      extra: ['Your bank may need a few extra days to show a refund after we have processed it.'],
    },
    billing: {
      intent: 'has a question about a charge, invoice or subscription',
      needsOrder: false,
      body: ({ orderRef }) => [
        `Thanks for contacting us about billing${orderRef ? ` for order ${orderRef}` : ''}.`,
        'A member of our billing team is reviewing your account and the charges you mentioned and will get back to you within one business day.',
      ],
      extra: ['Invoices and your payment details are also available in the Billing section of your account.'],
    },
    shipping: {
      intent: 'has a question about delivery options or addresses',
      needsOrder: false,
      body: ({ orderRef }) => [
        `Thanks for your question about delivery${orderRef ? ` for order ${orderRef}` : ''}.`,
        'Delivery options, costs and times for each destination are shown at checkout and on our Shipping page. If you need to change the address of an order that has not shipped yet, reply with the new address and we will update it if we still can.',
      ],
      extra: ['Once your order ships, you will receive an email with the carrier and a tracking link.'],
    },
    account_access: {
      intent: 'cannot get into their account',
      needsOrder: false,
      body: () => [
        'Sorry you are having trouble getting into your account.',
        'Please try the "Forgot password" link on the sign-in page. The reset email can take a few minutes and sometimes lands in the spam folder. If that does not work, reply and tell us what you see, and we will help you regain access.',
      ],
      extra: ['For your security, we will never ask you for your password.'],
    },
    technical_support: {
      intent: 'reports a technical problem',
      needsOrder: false,
      body: () => [
        'Thanks for reporting this, and sorry for the trouble.',
        'Could you tell us which device and which app or browser version you are using, and the exact error message you see? A screenshot helps. We will look into it and get back to you.',
      ],
      extra: [
        'In the meantime, updating to the latest version and restarting the app or device often helps with issues like this.',
      ],
    },
    product_question: {
      intent: 'asks about a product before buying',
      needsOrder: false,
      body: () => [
        'Thanks for your interest in our products.',
        'We are checking the details you asked about with our product team and will reply with an answer shortly.',
      ],
      extra: ['Specifications, sizing and care information are also listed on each product page.'],
    },
    feedback: {
      intent: 'shares feedback or a suggestion',
      needsOrder: false,
      body: () => [
        'Thank you for taking the time to share your feedback!',
        'We have passed it on to the team. Messages like yours help us decide what to improve next.',
      ],
      extra: [],
    },
    complaint: {
      intent: 'is unhappy and wants the problem put right',
      needsOrder: false,
      body: ({ orderRef }) => [
        `We are sorry to hear about your experience${orderRef ? ` with order ${orderRef}` : ''}.`,
        'We take this seriously. A member of our customer care team is reviewing your message and will contact you personally within one business day.',
      ],
      extra: [],
    },
    legal: {
      intent: 'raises a legal or data-protection matter',
      needsOrder: false,
      body: () => [
        'Thank you for your message.',
        'We have forwarded it to the appropriate team, who will review it and respond to you in writing.',
      ],
      extra: [],
    },
    security: {
      intent: 'reports a security or fraud concern',
      needsOrder: false,
      body: () => [
        'Thank you for letting us know. We have passed your message to our security team, who will look into it as a priority.',
        'If you think someone else has accessed your account, please reset your password now using the "Forgot password" link and check your recent orders.',
      ],
      extra: ['We will never ask you for your password or payment details by email.'],
    },
    other: {
      intent: 'sends a message outside customer support topics',
      needsOrder: false,
      body: () => [
        'Thank you for your message.',
        'We have passed it to the right team, who will get back to you if it is something we can help with.',
      ],
      extra: [],
    },
  }),
);

const FALLBACK = 'other';

function template(category: string): ReplyTemplate {
  const found = TEMPLATES.get(category) ?? TEMPLATES.get(FALLBACK);
  if (!found) throw new Error('reply templates have no fallback');
  return found;
}

/** True for categories with a specific reply, not the generic fallback. */
export function hasSpecificReply(category: string): boolean {
  return TEMPLATES.has(category) && category !== FALLBACK;
}

export function categoryIntent(category: string): string {
  return template(category).intent;
}

export function needsOrderReference(category: string): boolean {
  return template(category).needsOrder;
}

export function renderReply(category: string, fields: ReplyFields, style: ReplyStyle): string {
  const { body, extra } = template(category);
  const greeting = style.formal ? `Dear ${fields.firstName ?? 'customer'},` : `Hi ${fields.firstName ?? 'there'},`;
  const closing = style.formal ? 'Kind regards,\nThe Support Team' : 'Best wishes,\nThe Support Team';
  const paragraphs = [
    greeting,
    ...(style.apology ? ['We are sorry for the inconvenience this has caused.'] : []),
    ...body(fields),
    ...(style.short ? [] : extra),
    closing,
  ];
  return paragraphs.join('\n\n');
}
