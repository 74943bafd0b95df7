export { createEmailTriageGraph, EMAIL_TRIAGE_GRAPH, pendingReview, TRIAGE_NODES, type TriageNodeName } from './graph';
export { TriageStateAnnotation, type TriageInput, type TriageState, type TriageUpdate } from './state';
export { decisionApplies } from './nodes';
