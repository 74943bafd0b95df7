export { classifyNode } from './classify';
export { draftNode } from './draft';
export { scoreNode, draftChecks } from './score';
export { routeNode } from './route';
export { reviewNode, decisionApplies } from './review';
export { redraftNode } from './redraft';
export { sendRequestNode } from './send-request';
export { followUpNode } from './follow-up';
