export * from './contracts';
export type * from './ports';
export {
  createTriagePolicy,
  DEFAULT_ALWAYS_REVIEW,
  DEFAULT_AUTO_SEND_THRESHOLD,
  DEFAULT_TAXONOMY,
  type TriagePolicyConfig,
} from './policy';
export { approvedReply, ApprovalRefusedError, type ApprovedReply } from './approval';
export { findSafetyIssues, safetyFlags, type SafetyFinding } from './safety';
export * from './email-triage';
export * from './llm';
