import type { DrawingEdge, DrawingNode } from '@handoff/contracts';

/** What a compiled LangGraph graph offers for drawing: its `getGraph()` structure and Mermaid text. */
interface Drawable {
  getGraph(): {
    nodes: Record<string, { id: string; name: string }>;
    edges: { source: string; target: string; data?: string; conditional?: boolean }[];
    drawMermaid(): string;
  };
}

export interface Drawing {
  nodes: DrawingNode[];
  edges: DrawingEdge[];
  mermaid: string;
}

/** `__start__` reads as "start"; every other node keeps its name. */
const labelOf = (name: string) => name.replace(/^__(.+)__$/, '$1');

/** The graph's nodes and edges as LangGraph compiled them, ready to lay out without parsing Mermaid. */
export function drawGraph(compiled: Drawable): Drawing {
  const graph = compiled.getGraph();
  return {
    nodes: Object.values(graph.nodes).map((node) => ({ id: node.id, label: labelOf(node.name) })),
    edges: graph.edges.map((edge) => ({
      source: edge.source,
      target: edge.target,
      conditional: edge.conditional ?? false,
      ...(edge.data ? { label: edge.data } : {}),
    })),
    mermaid: graph.drawMermaid(),
  };
}
