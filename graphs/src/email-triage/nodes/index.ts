export { classifyNode } from './classify';
export { draftNode } from './draft';
export { scoreNode, draftChecks, groundingChecks } from './score';
export { routeNode } from './route';
export { reviewNode, decisionApplies } from './review';
export { redraftNode } from './redraft';
export { recategoriseNode } from './recategorise';
export { sendRequestNode } from './send-request';
export { followUpNode } from './follow-up';
