import type { AutoSendGate, InboundMessage, VersionedClassifier } from '@handoff/graphs';
import type { Tx } from '../database/unit-of-work';

/** Where a run came from, as the review it may open needs it. */
export interface RunOrigin {
  fromAddress: string;
  subject: string;
  channel: 'email' | 'webhook';
  /** The source takes no answer (a webhook with reply channel "none"): an approved run is answered, not sent. */
  takesNoReply: boolean;
}

/** What a run reads of the event that started it. Declared here, implemented by ingest (which owns events). */
export interface RunInputs {
  messageFor(eventId: string): Promise<InboundMessage>;
  originOf(eventId: string): Promise<RunOrigin>;
  /** Serialises the transaction with others on the run's conversation; taken before any row lock. */
  lockConversationOfRun(tx: Tx, runId: string): Promise<void>;
  /** The still-open runs of earlier messages in the run's conversation, oldest first. */
  openEarlierRuns(tx: Tx, runId: string): Promise<string[]>;
}
export const RUN_INPUTS = Symbol('RUN_INPUTS');

/**
 * The auto-send gate the route step consults (learned thresholds, pins, audit sampling).
 * Declared by the graph (AutoSendGate), implemented by calibration, which owns labels and thresholds.
 */
export const AUTO_SEND_GATE = Symbol('AUTO_SEND_GATE');
export type { AutoSendGate };

/**
 * The offline model's classifier in force right now, with its version: read once per classification, so a run
 * keeps the version it was classified with. Declared here, implemented by models (the registry and hot swap).
 */
export interface ActiveClassifier {
  current(): VersionedClassifier;
}
export const ACTIVE_CLASSIFIER = Symbol('ACTIVE_CLASSIFIER');
