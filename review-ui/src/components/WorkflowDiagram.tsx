import type { DrawingEdge, WorkflowDrawing } from '@handoff/contracts';

/**
 * Draws the backend's workflow graph ({nodes, edges} from LangGraph) as an SVG laid out in layers
 * (no client-side library, no script), plus the same transitions as an ordered list for screen readers.
 * Steps this run went through are highlighted.
 */

const NODE_W = 130;
const NODE_H = 34;
const COL_GAP = 36;
const ROW_GAP = 56;
const PAD = 40;

function layers(nodes: string[], edges: DrawingEdge[]): Map<string, number> {
  // Breadth-first depth from the start node: stable, and back edges (redraft → draft) simply point up.
  const level = new Map<string, number>();
  const start = nodes.find((n) => n === '__start__') ?? nodes[0];
  if (!start) return level;
  level.set(start, 0);
  const queue = [start];
  while (queue.length) {
    const current = queue.shift() as string;
    for (const edge of edges.filter((e) => e.source === current)) {
      if (!level.has(edge.target)) {
        level.set(edge.target, (level.get(current) ?? 0) + 1);
        queue.push(edge.target);
      }
    }
  }
  let last = Math.max(0, ...level.values());
  for (const n of nodes) if (!level.has(n)) level.set(n, ++last);
  // The end sits below everything else.
  if (level.has('__end__'))
    level.set('__end__', Math.max(...[...level.entries()].filter(([n]) => n !== '__end__').map(([, l]) => l)) + 1);
  return level;
}

export function WorkflowDiagram({ drawing, highlight }: { drawing: WorkflowDrawing; highlight: string[] }) {
  const title = `${drawing.name} v${drawing.version}`;
  const { edges } = drawing;
  const nodes = drawing.nodes.map((node) => node.id);
  const labels = new Map(drawing.nodes.map((node) => [node.id, node.label]));
  const label = (id: string) => labels.get(id) ?? id;
  const level = layers(nodes, edges);
  const rows = new Map<number, string[]>();
  for (const n of nodes) rows.set(level.get(n) ?? 0, [...(rows.get(level.get(n) ?? 0) ?? []), n]);
  const widest = Math.max(1, ...[...rows.values()].map((r) => r.length));
  const width = PAD * 2 + widest * NODE_W + (widest - 1) * COL_GAP + 60;
  const height = PAD * 2 + rows.size * NODE_H + (rows.size - 1) * ROW_GAP;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [row, members] of rows) {
    const rowWidth = members.length * NODE_W + (members.length - 1) * COL_GAP;
    members.forEach((n, i) => {
      pos.set(n, { x: (width - rowWidth) / 2 + i * (NODE_W + COL_GAP), y: PAD + row * (NODE_H + ROW_GAP) });
    });
  }
  const visited = new Set(highlight);
  const descId = `graph-desc-${title.replace(/\W+/g, '-')}`;

  return (
    <figure className="graph">
      {nodes.length ? (
        <svg
          viewBox={`0 0 ${width} ${height}`}
          width={width}
          height={height}
          role="img"
          aria-labelledby={descId}
          className="graph-svg"
        >
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
            </marker>
          </defs>
          {edges.map((edge, index) => {
            const a = pos.get(edge.source);
            const b = pos.get(edge.target);
            if (!a || !b) return null;
            const dash = edge.conditional ? '5 4' : undefined;
            if (edge.source === edge.target) {
              // A loop on the node itself, over its top edge.
              const x = a.x + NODE_W / 2;
              const y = a.y;
              return (
                <path
                  key={index}
                  d={`M ${x - 14} ${y} C ${x - 30} ${y - 34}, ${x + 30} ${y - 34}, ${x + 14} ${y}`}
                  fill="none"
                  stroke="currentColor"
                  strokeDasharray={dash}
                  markerEnd="url(#arrow)"
                />
              );
            }
            if (b.y === a.y) {
              const right = b.x > a.x;
              const y = a.y + NODE_H / 2;
              return (
                <line
                  key={index}
                  x1={right ? a.x + NODE_W : a.x}
                  y1={y}
                  x2={right ? b.x : b.x + NODE_W}
                  y2={y}
                  stroke="currentColor"
                  strokeDasharray={dash}
                  markerEnd="url(#arrow)"
                />
              );
            }
            const up = b.y <= a.y;
            if (up) {
              // A loop back up: around the left side.
              const x1 = a.x;
              const y1 = a.y + NODE_H / 2;
              const x2 = b.x;
              const y2 = b.y + NODE_H / 2;
              const bend = Math.min(x1, x2) - 40;
              return (
                <path
                  key={index}
                  d={`M ${x1} ${y1} C ${bend} ${y1}, ${bend} ${y2}, ${x2} ${y2}`}
                  fill="none"
                  stroke="currentColor"
                  strokeDasharray={dash}
                  markerEnd="url(#arrow)"
                />
              );
            }
            return (
              <line
                key={index}
                x1={a.x + NODE_W / 2}
                y1={a.y + NODE_H}
                x2={b.x + NODE_W / 2}
                y2={b.y}
                stroke="currentColor"
                strokeDasharray={dash}
                markerEnd="url(#arrow)"
              />
            );
          })}
          {nodes.map((n) => {
            const p = pos.get(n);
            if (!p) return null;
            const terminal = n.startsWith('__');
            return (
              <g key={n} className={visited.has(n) ? 'node visited' : 'node'}>
                <rect x={p.x} y={p.y} width={NODE_W} height={NODE_H} rx={terminal ? NODE_H / 2 : 6} />
                <text x={p.x + NODE_W / 2} y={p.y + NODE_H / 2} textAnchor="middle" dominantBaseline="central">
                  {label(n)}
                </text>
              </g>
            );
          })}
        </svg>
      ) : null}
      <div id={descId}>
        <p className="visually-hidden">{title}: workflow graph. Transitions:</p>
        <ol className="transitions">
          {edges.map((edge, index) => (
            <li key={index}>
              <span className={visited.has(edge.source) ? 'visited' : undefined}>{label(edge.source)}</span> →{' '}
              <span className={visited.has(edge.target) ? 'visited' : undefined}>{label(edge.target)}</span>
              {edge.conditional ? <span className="muted"> (conditional)</span> : null}
              {edge.label ? <span className="muted"> ({edge.label})</span> : null}
            </li>
          ))}
        </ol>
      </div>
      <figcaption>
        {title}. Dashed arrows are conditional; highlighted steps are the ones this run went through.
      </figcaption>
    </figure>
  );
}
