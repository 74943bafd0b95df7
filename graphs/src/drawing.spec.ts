import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkflowDrawingSchema } from '@handoff/contracts';
import { drawGraph } from './drawing';
import { createEmailTriageGraph, EMAIL_TRIAGE_GRAPH, TRIAGE_NODES } from './email-triage';
import type { TriageModel } from './ports';
import { fixedClock, InMemoryOutbox, testPolicy } from './testing';

const neverCalled = (): never => {
  throw new Error('drawing never runs the graph');
};
const model: TriageModel = { name: 'none', classify: neverCalled, draft: neverCalled };

test('the triage drawing lists every node and edge with which ones are conditional', () => {
  const compiled = createEmailTriageGraph({
    model,
    policy: testPolicy(),
    outbox: new InMemoryOutbox(),
    clock: fixedClock(),
  }).compile();
  const drawing = WorkflowDrawingSchema.parse({ ...EMAIL_TRIAGE_GRAPH, ...drawGraph(compiled) });

  assert.deepEqual(drawing.nodes.map((node) => node.id).sort(), ['__end__', '__start__', ...TRIAGE_NODES].sort());
  assert.equal(drawing.nodes.find((node) => node.id === '__start__')?.label, 'start');
  assert.equal(drawing.nodes.find((node) => node.id === 'send_request')?.label, 'send_request');
  const edges = new Map(drawing.edges.map((edge) => [`${edge.source}->${edge.target}`, edge.conditional]));
  assert.equal(edges.size, drawing.edges.length, 'no edge is listed twice');
  assert.deepEqual(Object.fromEntries(edges), {
    '__start__->classify': false,
    'classify->follow_up': false,
    'follow_up->draft': true,
    'follow_up->__end__': true,
    'draft->score': false,
    'score->route': false,
    'route->send_request': true,
    'route->review': true,
    'review->send_request': true,
    'review->redraft': true,
    'review->recategorise': true,
    'review->review': true,
    'review->__end__': true,
    'redraft->draft': false,
    'recategorise->draft': false,
    'send_request->__end__': false,
  });
  assert.match(drawing.mermaid, /graph TD/);
});
