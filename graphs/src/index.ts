export * from './schemas';
export type * from './ports';
export {
  createTriagePolicy,
  DEFAULT_ALWAYS_REVIEW,
  DEFAULT_AUTO_SEND_THRESHOLD,
  DEFAULT_TAXONOMY,
  type TriagePolicyConfig,
} from './policy';
export { approvedReply, ApprovalRefusedError, type ApprovedReply } from './approval';
export { drawGraph, type Drawing } from './drawing';
export { FLAG_THRESHOLD, scanMessage, scanText, safetyFlags, type SafetyFinding, type SafetyReport } from './safety';
export * from './email-triage';
export * from './llm';
export * from './knowledge';
export * from './gate';
