import { END, INTERRUPT, isInterrupted, START, StateGraph } from '@langchain/langgraph';
import { ReviewRequestSchema, type ReviewRequest } from '@handoff/contracts';
import type { TriagePorts } from '../ports';
import {
  classifyNode,
  draftNode,
  recategoriseNode,
  followUpNode,
  redraftNode,
  reviewNode,
  routeNode,
  scoreNode,
  sendRequestNode,
} from './nodes';
import { TriageStateAnnotation, type TriageState } from './state';

export const EMAIL_TRIAGE_GRAPH = { name: 'email-triage', version: 2 } as const;

export const TRIAGE_NODES = [
  'classify',
  'follow_up',
  'draft',
  'score',
  'route',
  'review',
  'redraft',
  'recategorise',
  'send_request',
] as const;
export type TriageNodeName = (typeof TRIAGE_NODES)[number];

function afterFollowUp(state: TriageState): 'draft' | typeof END {
  return state.outcome === 'ignored' ? END : 'draft';
}

function afterRoute(state: TriageState): 'send_request' | 'review' {
  return state.routing === 'auto_send' ? 'send_request' : 'review';
}

function afterReview(state: TriageState): 'send_request' | 'redraft' | 'recategorise' | 'review' | typeof END {
  switch (state.decision?.action) {
    case 'approve':
    case 'edit':
      return 'send_request';
    case 'redraft':
      return 'redraft';
    case 'recategorise':
      return 'recategorise';
    case 'reject':
      return END;
    case undefined:
      // The review node ignored a decision that could not apply: ask again.
      return 'review';
  }
}

/**
 * The email triage workflow as an uncompiled builder. The caller compiles it
 * with its checkpointer and invokes it with { thread_id: runId }.
 */
export function createEmailTriageGraph(ports: TriagePorts) {
  return new StateGraph(TriageStateAnnotation)
    .addNode('classify', classifyNode(ports))
    .addNode('follow_up', followUpNode(ports))
    .addNode('draft', draftNode(ports))
    .addNode('score', scoreNode())
    .addNode('route', routeNode(ports))
    .addNode('review', reviewNode(ports))
    .addNode('redraft', redraftNode())
    .addNode('recategorise', recategoriseNode())
    .addNode('send_request', sendRequestNode(ports))
    .addEdge(START, 'classify')
    .addEdge('classify', 'follow_up')
    .addConditionalEdges('follow_up', afterFollowUp, ['draft', END])
    .addEdge('draft', 'score')
    .addEdge('score', 'route')
    .addConditionalEdges('route', afterRoute, ['send_request', 'review'])
    .addConditionalEdges('review', afterReview, ['send_request', 'redraft', 'recategorise', 'review', END])
    .addEdge('redraft', 'draft')
    .addEdge('recategorise', 'draft')
    .addEdge('send_request', END);
}

/** The review a run waits on, read from an invoke() result; null when the run did not stop for review. */
export function pendingReview(result: unknown): ReviewRequest | null {
  if (!isInterrupted(result)) return null;
  const value = result[INTERRUPT][0]?.value;
  return value === undefined ? null : ReviewRequestSchema.parse(value);
}
