export * from './passages';
export { numbersIn, unsupportedClaims, POLICY_WORDS } from './grounding';
export { composeFromPassage, relevantSentences } from './compose';
