import { z } from 'zod';

/** A step of the workflow; `__start__` and `__end__` are the entry and exit. */
export const DrawingNodeSchema = z.object({ id: z.string(), label: z.string() });
export type DrawingNode = z.infer<typeof DrawingNodeSchema>;

/** A transition; `conditional` when a routing function picks it at run time. */
export const DrawingEdgeSchema = z.object({
  source: z.string(),
  target: z.string(),
  conditional: z.boolean(),
  /** The routing function's name for this branch, when it has one. */
  label: z.string().optional(),
});
export type DrawingEdge = z.infer<typeof DrawingEdgeSchema>;

/**
 * GET /api/v1/graphs/email-triage → the workflow as LangGraph compiles it: nodes and edges to lay out,
 * plus the same graph as Mermaid text for tools that draw it (also served at …/email-triage/mermaid).
 */
export const WorkflowDrawingSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  nodes: z.array(DrawingNodeSchema),
  edges: z.array(DrawingEdgeSchema),
  mermaid: z.string(),
});
export type WorkflowDrawing = z.infer<typeof WorkflowDrawingSchema>;
