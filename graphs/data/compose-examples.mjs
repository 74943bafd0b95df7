#!/usr/bin/env node
// Writes triage-examples-composed.jsonl: training messages composed from the phrase lists
// below (all written for Handoff), in many wordings, lengths, registers and with typos.
// Deterministic: the same lists give the same file. Run: node graphs/data/compose-examples.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PER_CATEGORY = 360;
const OUT = join(dirname(fileURLToPath(import.meta.url)), 'triage-examples-composed.jsonl');

let state = 20240611;
function random() {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const chance = (p) => random() < p;

const SLOTS = {
  item: [
    'jacket',
    'coffee machine',
    'desk lamp',
    'pair of trainers',
    'phone case',
    'sofa',
    'rug',
    'backpack',
    'headphones',
    'blender',
    'office chair',
    'winter coat',
    'dress',
    'kettle',
    'bike helmet',
    'laptop stand',
    'mattress',
    'watch',
    'set of pans',
    'tablet',
    'printer',
    'mirror',
    'garden hose',
    'suitcase',
    'cot',
    'bookcase',
    'toaster',
    'jeans',
  ],
  thing: [
    'debit card',
    'credit card',
    'policy documents',
    'card reader',
    'security key',
    'welcome pack',
    'PIN letter',
    'router',
    'starter kit',
    'replacement card',
    'loyalty card',
    'SIM card',
    'voucher',
    'membership card',
  ],
  num: () => String(10000 + Math.floor(random() * 89999)),
  days: [
    'three days',
    'four days',
    'a week',
    'ten days',
    'two weeks',
    'nearly a month',
    '5 days',
    '9 days',
    'a fortnight',
  ],
  when: [
    'last Monday',
    'on Friday',
    'last week',
    'on the 3rd',
    'ten days ago',
    'at the weekend',
    'yesterday',
    'last month',
  ],
  carrier: [
    'DHL',
    'UPS',
    'the courier',
    'Royal Mail',
    'FedEx',
    'DPD',
    'the post office',
    'Evri',
    'the delivery company',
  ],
  country: ['Germany', 'Canada', 'Australia', 'Spain', 'Sweden', 'the US', 'Ireland', 'Japan', 'Italy', 'Portugal'],
  plan: [
    'Pro plan',
    'team plan',
    'premium account',
    'business subscription',
    'family plan',
    'annual membership',
    'basic tier',
  ],
  amount: ['12.99', '49', '120', '8.50', '299', '35', '79.99', '15'],
  app: [
    'the app',
    'the website',
    'the dashboard',
    'the mobile app',
    'online banking',
    'the portal',
    'the desktop client',
  ],
  device: ['iPhone', 'Android phone', 'Windows laptop', 'Mac', 'iPad', 'Chromebook', 'smart TV'],
  policy: ['home insurance', 'car insurance', 'travel policy', 'pet insurance', 'contents cover', 'life policy'],
};

function fill(template) {
  return template.replace(/\{(\w+)\}/g, (_, name) => {
    const slot = SLOTS[name];
    if (!slot) throw new Error(`unknown slot ${name}`);
    return typeof slot === 'function' ? slot() : pick(slot);
  });
}

const CATEGORIES = {
  order_status: {
    subjects: [
      'Order status',
      'Where is my order?',
      'Order {num}',
      'No update on my order',
      'Delivery not arrived',
      'Tracking',
      'Has it shipped?',
      'Still waiting',
    ],
    asks: [
      'Where is my order?',
      'Can you tell me where order {num} is?',
      'Has my order shipped yet?',
      'When will my order arrive?',
      'My order still has not arrived.',
      'I ordered a {item} {when} and it has not turned up.',
      'The tracking has not updated in {days}.',
      'Could you check the status of order #{num}?',
      'Is my parcel on its way?',
      'The status still says processing after {days}.',
      'Any news on my {item}?',
      'I have been waiting {days} for my order.',
      'My {thing} was supposed to be sent {when} but I have not got it.',
      'Has the {thing} I requested been posted?',
      'The delivery date has passed and nothing arrived.',
      'Tracking says delivered but I never got the parcel.',
      'Can you give me an update on order ORD-{num}?',
      'I never received a shipping confirmation for my order.',
      'When is my {item} going to be dispatched?',
      'Is order {num} still coming?',
      'My parcel seems stuck at the depot.',
      'The order page shows no update at all.',
      'Is there a delay with my order?',
      'What is the expected delivery date for my {item}?',
      'Only part of my order arrived, where is the rest?',
      'Is my pre-order still on schedule?',
      'My order was confirmed {when} but has not shipped.',
      'I still have no tracking number for my order.',
    ],
    contexts: [
      'I placed an order {when}.',
      'I paid straight away and got a confirmation.',
      'I need it for a birthday on Saturday.',
      'The site said it would come in 2-3 days.',
      'I have checked with my neighbours.',
      '{carrier} has no record of it.',
    ],
  },
  returns_refunds: {
    subjects: [
      'Return',
      'Refund request',
      'Refund not received',
      'Exchange',
      'Returning an item',
      'Money back',
      'Return label',
    ],
    asks: [
      'I would like to return my {item}.',
      'How do I return an item?',
      'Where is my refund?',
      'Can I exchange the {item} for a different size?',
      'I sent the {item} back {days} ago and still have no refund.',
      'Please refund me for order {num}.',
      'Can I get my money back?',
      'How long does a refund take?',
      'The {item} does not fit, I want to send it back.',
      'Can you send me a return label?',
      'I want a refund, not a replacement.',
      'Is return postage free?',
      'Can I return something bought in the sale?',
      'You only refunded part of my order.',
      'I cancelled my order but the money has not come back.',
      'Can I swap the {item} for another colour?',
      'The refund went to the wrong card.',
      'I want to cancel my {policy} within the cooling-off period and get the premium back.',
      'Please reverse the renewal and refund me.',
      'Do I get a refund if I cancel my {plan} now?',
      'The item arrived damaged and I want to return it.',
      'What is your returns policy?',
      'Can I return it without the receipt?',
      'Has my return been received yet?',
      'I dropped off the return {when}, when will I be refunded?',
      'The wrong {item} was sent, I want my money back.',
      'Is there a deadline for returns?',
      'Can I return an opened item?',
    ],
    contexts: [
      'It was a gift.',
      'It is unused and still in the box.',
      'I changed my mind.',
      'It was faulty out of the box.',
      'The colour is not what the picture showed.',
      'I kept the packaging.',
    ],
  },
  billing: {
    subjects: [
      'Billing question',
      'Invoice',
      'Double charge',
      'Charge on my card',
      'Payment',
      'Subscription price',
      'Receipt',
    ],
    asks: [
      'I was charged twice.',
      'Why was I charged {amount}?',
      'Can you send me an invoice?',
      'How do I update my payment method?',
      'There is a charge on my statement I do not recognise.',
      'My card keeps getting declined at checkout.',
      'How much is the {plan}?',
      'Can I pay by bank transfer?',
      'Please change the billing address on my invoice.',
      'I was charged after cancelling my {plan}.',
      'Why did my premium go up?',
      'What is this fee on my bill?',
      'Can I switch to annual billing?',
      'Can I get a receipt for my last payment?',
      'My subscription renewed at a higher price.',
      'Can I change the date of my direct debit?',
      'I was billed for more seats than we use.',
      'Do you offer a discount for charities?',
      'The price at checkout was different from the advertised price.',
      'How do I cancel auto-renewal?',
      'My free trial converted into a paid plan without warning.',
      'I need a VAT invoice for my company.',
      'Why was an overdraft fee taken?',
      'Can I pay in instalments?',
      'The amount taken does not match my invoice.',
      'Who do I talk to about an unpaid invoice?',
      'Please stop charging my card.',
      'When is my next payment due?',
    ],
    contexts: [
      'I checked my bank statement this morning.',
      'Our finance team needs this.',
      'I have been a customer for years.',
      'This is on the {plan}.',
      'The charge was {amount}.',
    ],
  },
  shipping: {
    subjects: [
      'Shipping question',
      'Delivery options',
      'Do you ship to {country}?',
      'Delivery address',
      'Shipping costs',
      'Courier',
    ],
    asks: [
      'Do you ship to {country}?',
      'How much does delivery cost?',
      'How long does shipping take to {country}?',
      'Can I change my delivery address?',
      'Which courier do you use?',
      'Do you offer next-day delivery?',
      'Is there free shipping over a certain amount?',
      'Can I collect my order in store?',
      'Can you deliver to a PO box?',
      'Do you deliver on weekends?',
      'Will I pay customs or import duties?',
      'Can the parcel be left with a neighbour?',
      'Can I choose a delivery time slot?',
      'Do you ship internationally?',
      'Can you send it to my work address instead?',
      'What are the delivery options for large items?',
      'Is express delivery available?',
      'Can you deliver to a parcel locker?',
      'Do you ship with {carrier}?',
      'Can I send the {thing} to an address abroad?',
      'What does standard delivery cost to the islands?',
      'Will the items ship together or separately?',
      'Can you use plain packaging?',
      'Can I add delivery instructions?',
      'Is tracking included with standard shipping?',
    ],
    contexts: [
      'I am thinking of ordering a {item}.',
      'I live in {country}.',
      'I am not home during the day.',
      'I am moving house next week.',
      'It is a large order.',
    ],
  },
  account_access: {
    subjects: ["Can't log in", 'Password reset', 'Locked out', 'Login problem', 'Two-factor code', 'Account access'],
    asks: [
      'I cannot log in to my account.',
      'The password reset email never arrives.',
      'My account is locked.',
      'I forgot my password.',
      'I am not getting the two-factor code.',
      'How do I change the email I log in with?',
      'I lost my phone and cannot sign in.',
      'It says my password is wrong.',
      'The reset link has expired.',
      'Please unlock my account.',
      'I forgot my username.',
      'My account has been deactivated.',
      'Please close my account.',
      'Can I reopen my old account?',
      'How do I reset my PIN?',
      'The verification code does not work.',
      'I keep getting sent back to the login page.',
      'My invite link says it is invalid.',
      'How do I transfer ownership of the account?',
      'Sign in with Google does not work for me.',
      'It says an account with my email already exists.',
      'I need to update the phone number used for login codes.',
      'I am locked out of {app}.',
    ],
    contexts: [
      'I tried three times.',
      'I checked my spam folder.',
      'I changed phones recently.',
      'I have tried two browsers.',
      'This started {when}.',
      'I use {app} on my {device}.',
    ],
  },
  technical_support: {
    subjects: [
      'App not working',
      'Error message',
      'Bug',
      'Technical problem',
      'Crash',
      'Setup help',
      'Integration issue',
    ],
    asks: [
      '{app} keeps crashing.',
      'I get an error when I try to save.',
      '{app} will not load on my {device}.',
      'The page is blank.',
      'The upload button does nothing.',
      'Sync between my devices stopped working.',
      'I get error 500 at checkout.',
      'The {item} will not turn on.',
      'How do I set up the device on my wifi?',
      'The API returns 401 errors.',
      'Webhooks are not being delivered.',
      'Notifications stopped arriving.',
      'The export file is empty.',
      'The firmware update failed.',
      'The integration does not post anything.',
      '{app} is very slow.',
      'Bluetooth pairing fails.',
      'The screen freezes when I open settings.',
      'The PDF will not open.',
      'It shows something went wrong.',
      'The printer driver will not install.',
      'Search returns no results even for exact names.',
    ],
    contexts: [
      'I am on a {device}.',
      'I already reinstalled it.',
      'It started after the latest update.',
      'I cleared the cache.',
      'This started {when}.',
      'Our whole team is affected.',
    ],
  },
  product_question: {
    subjects: [
      'Question about a product',
      'Before I buy',
      'Sizing',
      'Compatibility',
      'In stock?',
      'Product details',
      'Features',
    ],
    asks: [
      'Is the {item} available in other colours?',
      'Does the {item} run true to size?',
      'Will this work with my {device}?',
      'When will the {item} be back in stock?',
      'What is the difference between the two models?',
      'Is the {item} waterproof?',
      'What are the dimensions of the {item}?',
      'Is it dishwasher safe?',
      'Does the {policy} cover accidental damage?',
      'What does the {plan} include?',
      'Does it come with a warranty?',
      'What material is it made of?',
      'Is there a student version?',
      'Does the software support multiple currencies?',
      'How long does the battery last?',
      'Is it suitable for children?',
      'Do you sell gift cards?',
      'Does it contain nuts?',
      'Does the account pay interest?',
      'Is the charger included?',
      'Can several users share one subscription?',
      'Is it sold separately?',
      'Do you have it in a larger size?',
    ],
    contexts: [
      'I am thinking of buying one.',
      'I am comparing a few options.',
      'The product page does not say.',
      'It is for a present.',
      'I have a small flat.',
    ],
  },
  feedback: {
    subjects: ['Thank you', 'Suggestion', 'Feature request', 'Great service', 'Idea', 'Feedback', 'Compliment'],
    asks: [
      'Just wanted to say thank you.',
      'Your team was brilliant.',
      'It would be great if {app} had a dark mode.',
      'Please add an export to Excel.',
      'Love the new design.',
      'The delivery was really fast, well done.',
      'A suggestion: let us pause the subscription.',
      'Keep up the good work.',
      'The help articles are very clear.',
      'Could you add more colour options?',
      'The new feature is brilliant.',
      'Great customer service today.',

      'The checkout is much easier now.',
      'An idea: keyboard shortcuts would save time.',
      'Happy customer, just renewed.',
      'The staff in the shop were lovely.',
      'Not a complaint, just a suggestion.',
    ],
    contexts: [
      'I have been a customer for years.',
      'No reply needed.',
      'Nothing urgent.',
      'Overall I am very happy.',
      'Just a small thought.',
    ],
  },
  complaint: {
    subjects: [
      'Complaint',
      'Very disappointed',
      'Unacceptable service',
      'Terrible experience',
      'Formal complaint',
      'Not happy',
      'Escalation',
    ],
    asks: [
      'This is the worst service I have ever had.',
      'I want to make a formal complaint.',
      'Your agent was rude to me.',
      'Nobody has replied to my emails for {days}.',
      'I am extremely unhappy.',
      'I want to speak to a manager.',
      'The quality is terrible.',
      'This is completely unacceptable.',
      'I expect compensation.',
      'I waited on hold for two hours.',
      'The engineer never showed up.',
      'I have been passed from department to department.',
      'I want an apology.',
      'This is the third time this has happened.',
      'You promised a callback and nobody rang.',
      'I feel misled.',
      'Please escalate this.',
      'The replacement is broken too.',
      'I am fed up with chasing you.',
      'Your service has gone downhill.',
      'I am disgusted with how I was treated.',
      'My case was closed without anyone contacting me.',
      'I am paying for a service that does not work.',
    ],
    contexts: [
      'I have been a loyal customer for years.',
      'I took a day off work for this.',
      'I have called four times.',
      'I have wasted hours on this.',
      'My {item} broke after a week.',
    ],
  },
  legal: {
    subjects: [
      'Data request',
      'Legal notice',
      'GDPR',
      'Subject access request',
      'Formal notice',
      'Contract',
      'Privacy',
    ],
    asks: [
      'I request a copy of all personal data you hold about me.',
      'Please delete my personal data under GDPR.',
      'My lawyer will be in touch.',
      'I am taking legal action.',
      'This is a formal notice of claim.',
      'Please send your data processing agreement.',
      'Who is your data protection officer?',
      'I will take you to court.',
      'Please confirm receipt of this subpoena.',
      'I want to exercise my right to be forgotten.',
      'My solicitor has advised me to write to you.',
      'We are terminating the contract in line with the notice clause.',
      'I do not accept the new terms of service.',
      'Please preserve all records for litigation.',

      'I will refer this to the ombudsman.',
      'What is your legal basis for keeping my data?',
      'Our legal team needs your liability terms.',
      'Stop contacting me or I will report you.',
      'I have contacted an attorney about this.',
    ],
    contexts: [
      'Please respond within one month.',
      'Forward this to your legal department.',
      'Reply in writing only.',
      'This relates to my account.',
      'We represent the customer.',
    ],
  },
  security: {
    subjects: [
      'Account hacked',
      'Fraud',
      'Suspicious activity',
      'Phishing',
      'Security issue',
      'Unauthorised transactions',
      'Vulnerability',
    ],
    asks: [
      'Someone hacked my account.',
      'There are transactions I did not make.',
      'I got a phishing email pretending to be you.',
      'Please block my card, it was stolen.',
      'I got a login alert from another country.',
      'Someone changed my password without me.',
      'Is this text message from you real?',
      'I found a security vulnerability.',
      'Has there been a data breach?',
      'Someone opened an account in my name.',
      'I think my card was cloned.',
      'A scammer called pretending to be your fraud team.',
      'There is a device logged in that is not mine.',
      'My details were leaked online.',
      'I gave my details to a fake website.',
      'Someone is impersonating your support staff.',
      'I did not request these password reset emails.',
      'Please freeze my account now.',
      'I clicked a suspicious link and entered my password.',
    ],
    contexts: [
      'Please act quickly.',
      'My card is still in my wallet.',
      'I have not shared my password.',
      'This happened overnight.',
      'I want to warn you.',
    ],
  },
  other: {
    subjects: [
      'Hello',
      'Partnership',
      'Press enquiry',
      'Sponsorship',
      'Job application',
      'Question',
      'Out of office',
      'Invitation',
    ],
    asks: [
      'Are you hiring?',
      'We would like to propose a partnership.',
      'I am a journalist writing a story.',
      'Would you sponsor our club?',
      'Test message, please ignore.',
      'I am out of the office until Monday.',
      'What are your opening hours?',
      'We offer SEO services for your website.',
      'Can I interview someone for my thesis?',
      'Thanks, that is all.',
      'I think this email reached the wrong person.',
      'Do you have a phone number?',
      'We would like to become a supplier.',
      'Happy new year to the team!',
      'Would you speak at our event?',
      'Do you have an affiliate programme?',
      'Where is your head office?',
      'Are you open on public holidays?',
      'ok',
      'hello',
      'Just saying hi.',
    ],
    contexts: [
      'I found your address online.',
      'No rush at all.',
      'I am not a customer yet.',
      'Sorry if this is the wrong address.',
    ],
  },
};

const GREETINGS = [
  'Hi,',
  'Hello,',
  'Hi there,',
  'Dear support team,',
  'Good morning,',
  'Hey,',
  'Hello team,',
  'To whom it may concern,',
];
const CLOSINGS = [
  'Thanks',
  'Thank you',
  'Many thanks',
  'Regards',
  'Kind regards',
  'Cheers',
  'Best wishes',
  'Thanks in advance',
];
const NAMES = ['Sam', 'Alex', 'Maria', 'Tom', 'Priya', 'Jonas', 'Lea', 'Omar', 'Chen', 'Fiona', 'Kwame', 'Ines'];

/** Swaps, drops or doubles one letter in a few words, as fast typists do. */
function typos(text) {
  return text.replace(/\b[a-z]{5,}\b/g, (word) => {
    if (!chance(0.15)) return word;
    const at = 1 + Math.floor(random() * (word.length - 2));
    const kind = random();
    if (kind < 0.4) return word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
    if (kind < 0.75) return word.slice(0, at) + word.slice(at + 1);
    return word.slice(0, at) + word[at] + word.slice(at);
  });
}

/** A one-line chat message: lower case, little punctuation. */
function chatStyle(text) {
  return text.toLowerCase().replace(/[.,!]/g, '').replace(/\s+/g, ' ').trim();
}

function compose(category) {
  const { subjects, asks, contexts } = CATEGORIES[category];
  const form = random();
  let text;
  if (form < 0.35) {
    text = chatStyle(fill(pick(asks)));
  } else if (form < 0.7) {
    const parts = [fill(pick(asks))];
    if (chance(0.5)) parts.unshift(fill(pick(contexts)));
    if (chance(0.3)) parts.push(fill(pick(asks)));
    text = parts.join(' ');
  } else {
    const body = [fill(pick(contexts)), fill(pick(asks))];
    if (chance(0.4)) body.push(fill(pick(contexts)));
    text = `${pick(GREETINGS)}\n\n${body.join(' ')}\n\n${pick(CLOSINGS)},\n${pick(NAMES)}`;
  }
  if (chance(0.3)) text = typos(text);
  if (chance(0.5)) text = `${fill(pick(subjects))}\n${text}`;
  return text;
}

const seen = new Set();
const lines = [];
for (const category of Object.keys(CATEGORIES)) {
  let made = 0;
  for (let attempt = 0; made < PER_CATEGORY && attempt < PER_CATEGORY * 20; attempt += 1) {
    const text = compose(category);
    if (seen.has(text)) continue;
    seen.add(text);
    lines.push(JSON.stringify({ text, label: category }));
    made += 1;
  }
}
writeFileSync(OUT, `${lines.join('\n')}\n`);
console.log(`wrote ${lines.length} examples to ${OUT}`);
