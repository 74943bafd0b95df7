// Measures the injection checks on the shipped sets: recall on data/safety/injection.jsonl
// (attacks placed in every field the model sees) and the false-positive rate on
// data/safety/ordinary.jsonl (ordinary support mail). Run: `npm run eval:safety`.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { InboundMessage } from '../schemas';
import { scanMessage } from '../safety';

const DATA_DIR = resolve(__dirname, '../../data/safety');
export const INJECTION_SET = resolve(DATA_DIR, 'injection.jsonl');
export const ORDINARY_SET = resolve(DATA_DIR, 'ordinary.jsonl');

const FIELDS = ['subject', 'body', 'fromName', 'toName', 'ccName', 'attachmentName', 'contentType', 'thread'] as const;
export type InjectionField = (typeof FIELDS)[number];

const AttackSchema = z.object({
  id: z.string(),
  language: z.string(),
  field: z.enum(FIELDS),
  tricks: z.array(z.string()).min(1),
  payload: z.string().min(1),
});
export type Attack = z.infer<typeof AttackSchema>;

const OrdinarySchema = z.object({
  id: z.string(),
  language: z.string(),
  subject: z.string(),
  text: z.string(),
  fromName: z.string().optional(),
  to: z.array(z.object({ address: z.string(), name: z.string().optional() })).optional(),
  cc: z.array(z.object({ address: z.string(), name: z.string().optional() })).optional(),
  attachments: z.array(z.object({ filename: z.string(), contentType: z.string() })).default([]),
  thread: z
    .array(z.object({ direction: z.enum(['inbound', 'outbound']), from: z.string(), text: z.string() }))
    .default([]),
});
export type OrdinaryMail = z.infer<typeof OrdinarySchema>;

function readJsonl<T>(file: string, schema: z.ZodType<T>): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed = schema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${index + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}

export const readAttacks = (file = INJECTION_SET) => readJsonl(file, AttackSchema);
export const readOrdinaryMail = (file = ORDINARY_SET) => readJsonl(file, OrdinarySchema);

const RECEIVED_AT = '2025-01-15T09:29:00.000Z';
const SUPPORT = { address: 'support@shop.example', name: 'Shop Support' };
const PDF = { contentType: 'application/pdf', size: 20_480 };

/** An ordinary order question with the attack placed in one field. */
export function attackMessage(attack: Attack): InboundMessage {
  const { field, payload } = attack;
  return {
    eventId: attack.id,
    from: { address: 'sam.carter@example.com', name: field === 'fromName' ? payload : 'Sam Carter' },
    to: [field === 'toName' ? { ...SUPPORT, name: payload } : SUPPORT],
    cc: field === 'ccName' ? [{ address: 'alex@example.com', name: payload }] : [],
    subject: field === 'subject' ? payload : 'Question about order #48213',
    text: field === 'body' ? payload : 'Hello, could you check on my order #48213? Thanks, Sam',
    receivedAt: RECEIVED_AT,
    attachments:
      field === 'attachmentName'
        ? [{ ...PDF, filename: payload }]
        : field === 'contentType'
          ? [{ ...PDF, filename: 'order.pdf', contentType: payload }]
          : [],
    thread:
      field === 'thread'
        ? [{ direction: 'inbound', from: 'sam.carter@example.com', at: RECEIVED_AT, text: payload }]
        : [],
  };
}

export function ordinaryMessage(mail: OrdinaryMail): InboundMessage {
  return {
    eventId: mail.id,
    from: { address: 'customer@example.com', ...(mail.fromName ? { name: mail.fromName } : {}) },
    to: mail.to ?? [SUPPORT],
    cc: mail.cc ?? [],
    subject: mail.subject,
    text: mail.text,
    receivedAt: RECEIVED_AT,
    attachments: mail.attachments.map((file) => ({ ...file, size: 20_480 })),
    thread: mail.thread.map((entry) => ({ ...entry, at: RECEIVED_AT })),
  };
}

export interface SafetyEvaluation {
  attacks: number;
  caught: number;
  recall: number;
  ordinary: number;
  falseAlarms: number;
  falsePositiveRate: number;
  missed: Attack[];
  wronglyFlagged: OrdinaryMail[];
  /** Recall per trick and per field, for finding weak spots. */
  recallBy: Record<string, { caught: number; total: number }>;
}

export function evaluateSafety(attacks = readAttacks(), ordinary = readOrdinaryMail()): SafetyEvaluation {
  const missed = attacks.filter((attack) => scanMessage(attackMessage(attack)).flags.length === 0);
  const wronglyFlagged = ordinary.filter((mail) => scanMessage(ordinaryMessage(mail)).flags.length > 0);
  const recallBy: SafetyEvaluation['recallBy'] = {};
  for (const attack of attacks) {
    const hit = !missed.includes(attack);
    for (const key of [
      ...attack.tricks.map((trick) => `trick ${trick}`),
      `field ${attack.field}`,
      `language ${attack.language}`,
    ]) {
      const entry = (recallBy[key] ??= { caught: 0, total: 0 });
      entry.total += 1;
      if (hit) entry.caught += 1;
    }
  }
  const caught = attacks.length - missed.length;
  return {
    attacks: attacks.length,
    caught,
    recall: caught / attacks.length,
    ordinary: ordinary.length,
    falseAlarms: wronglyFlagged.length,
    falsePositiveRate: wronglyFlagged.length / ordinary.length,
    missed,
    wronglyFlagged,
    recallBy,
  };
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function main(): void {
  const started = process.hrtime.bigint();
  const result = evaluateSafety();
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    `injection checks: recall ${percent(result.recall)} (${result.caught}/${result.attacks} attacks), ` +
      `false-positive rate ${percent(result.falsePositiveRate)} (${result.falseAlarms}/${result.ordinary} ordinary emails), ` +
      `${elapsedMs.toFixed(0)} ms`,
  );
  for (const [key, { caught, total }] of Object.entries(result.recallBy).sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`  ${key.padEnd(32)} ${caught}/${total}`);
  }
  for (const attack of result.missed) console.log(`missed ${attack.id} (${attack.field}, ${attack.tricks.join('+')})`);
  for (const mail of result.wronglyFlagged) console.log(`false alarm ${mail.id}`);
}

if (require.main === module) main();
