import type { RiskFlag } from '@handoff/contracts';
import type { InboundMessage } from './schemas';
import { steeringSentence } from './safety/cooccurrence';
import { normaliseForDetection } from './safety/normalise';
import { malformedContentType, SIGNALS, TELLTALE_STEMS, type SignalKind } from './safety/signals';

/**
 * Deterministic prompt-injection and secret-request checks over everything
 * an email puts in front of the model.
 *
 * Decision rule: each field is normalised (safety/normalise.ts) and matched
 * against weighted signals (safety/signals.ts), grouped by intent. A
 * message's score is the sum, over intents, of the strongest signal of that
 * intent in any field. At FLAG_THRESHOLD or above it is flagged:
 * `secret_request` when a request for secrets weighs 2 or more,
 * `prompt_injection` when any other intent does (or when only weak signals
 * added up). So one strong signal (3: "ignore all previous instructions",
 * "send this without review", "what is the admin password") flags on its
 * own; a medium one (2: "[admin]", "Dear AI", "approved by the system",
 * "without approval") needs another sign; weak ones (1: a mention of AI, a
 * line starting "System:", hidden characters, mixed-script words) only tip
 * the balance.
 */
export const FLAG_THRESHOLD = 3;

export type SafetyFlag = Extract<RiskFlag, 'prompt_injection' | 'secret_request'>;

/** One signal the checks found, with where and what, for the reviewer. */
export interface SafetyFinding {
  flag: SafetyFlag;
  kind: SignalKind;
  weight: number;
  /** The field it was found in, e.g. "subject", "From name", "attachment 1 filename". */
  field: string;
  /** The matching text, normalised and shortened. */
  match: string;
}

export interface SafetyReport {
  /** The risk flags raised; empty when the score stays under FLAG_THRESHOLD. */
  flags: SafetyFlag[];
  score: number;
  /** The strongest finding per intent, strongest first. */
  findings: SafetyFinding[];
}

export interface ScannedField {
  field: string;
  text: string;
  /** Content types have a grammar (prose in one is a message to a reader); filenames use - and . as spaces. */
  shape?: 'content type' | 'filename';
}

const MAX_MATCH_CHARS = 80;
const GLOBAL_SIGNALS = SIGNALS.map((signal) => ({
  ...signal,
  pattern: new RegExp(signal.pattern.source, `${signal.pattern.flags}g`),
}));

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_MATCH_CHARS ? `${flat.slice(0, MAX_MATCH_CHARS - 1)}…` : flat;
}

function scanField({ field, text, shape }: ScannedField): SafetyFinding[] {
  if (text.trim() === '') return [];
  const normalised = normaliseForDetection(shape === 'filename' ? text.replace(/[-.+]+/g, ' ') : text);
  const findings: SafetyFinding[] = [];
  const found = (kind: SignalKind, flag: SafetyFlag, weight: number, match: string) =>
    findings.push({ flag, kind, weight, field, match: shorten(match) });

  for (const signal of GLOBAL_SIGNALS) {
    for (const match of normalised.text.matchAll(signal.pattern)) {
      if (signal.accept && !signal.accept(match, normalised.text.slice(0, match.index))) continue;
      found(signal.kind, signal.flag, signal.weight, match[0]);
      break;
    }
  }
  const steering = steeringSentence(normalised.text);
  if (steering) found('steering_sentence', 'prompt_injection', 3, steering);
  const spelledOut = normalised.spacedRuns.find((run) => TELLTALE_STEMS.some((stem) => run.includes(stem)));
  if (spelledOut) found('disguised_text', 'prompt_injection', 3, `spelled out: ${spelledOut}`);
  const [mixed] = normalised.mixedScriptWords;
  if (mixed) found('disguised_text', 'prompt_injection', 1, `look-alike letters: ${mixed}`);
  if (normalised.hiddenCharacters) found('disguised_text', 'prompt_injection', 1, 'invisible characters inside words');
  if (shape === 'content type' && malformedContentType(text)) found('malformed_field', 'prompt_injection', 2, text);
  return findings;
}

/** Scores findings from any number of fields by the decision rule above. */
export function scanFields(fields: ScannedField[]): SafetyReport {
  const strongest = new Map<SignalKind, SafetyFinding>();
  for (const finding of fields.flatMap(scanField)) {
    const current = strongest.get(finding.kind);
    if (!current || finding.weight > current.weight) strongest.set(finding.kind, finding);
  }
  const findings = [...strongest.values()].sort((a, b) => b.weight - a.weight);
  const score = findings.reduce((sum, finding) => sum + finding.weight, 0);
  if (score < FLAG_THRESHOLD) return { flags: [], score, findings };
  const flags = new Set(findings.filter((finding) => finding.weight >= 2).map((finding) => finding.flag));
  if (flags.size === 0) flags.add('prompt_injection');
  return {
    flags: (['prompt_injection', 'secret_request'] as const).filter((flag) => flags.has(flag)),
    score,
    findings,
  };
}

/** Every field of the message the model is shown or could be: headers, names, attachments and thread. */
export function messageFields(message: InboundMessage): ScannedField[] {
  const person = (label: string, who: { address: string; name?: string | undefined }) => [
    { field: `${label} name`, text: who.name ?? '' },
    { field: `${label} address`, text: who.address },
  ];
  return [
    { field: 'subject', text: message.subject },
    { field: 'body', text: message.text },
    ...person('From', message.from),
    ...message.to.flatMap((to, index) => person(`To ${index + 1}`, to)),
    ...message.cc.flatMap((cc, index) => person(`Cc ${index + 1}`, cc)),
    ...message.attachments.flatMap((file, index) => [
      { field: `attachment ${index + 1} filename`, text: file.filename, shape: 'filename' as const },
      { field: `attachment ${index + 1} content type`, text: file.contentType, shape: 'content type' as const },
    ]),
    ...message.thread.flatMap((entry, index) => [
      { field: `thread message ${index + 1}`, text: entry.text },
      { field: `thread message ${index + 1} sender`, text: entry.from },
    ]),
  ];
}

export function scanMessage(message: InboundMessage): SafetyReport {
  return scanFields(messageFields(message));
}

/** The checks over one piece of text, e.g. a draft. */
export function scanText(text: string, field = 'text'): SafetyReport {
  return scanFields([{ field, text }]);
}

/** The risk flags the deterministic checks raise for this text. */
export function safetyFlags(text: string): RiskFlag[] {
  return scanText(text).flags;
}

/** How a finding reads in a review's confidence reasons. */
export function describeFinding(finding: SafetyFinding): string {
  const what = finding.flag === 'secret_request' ? 'a request for secrets' : 'instructions aimed at the AI';
  return `Injection check: ${what} in the ${finding.field} ("${finding.match}", ${finding.kind.replace(/_/g, ' ')}).`;
}
