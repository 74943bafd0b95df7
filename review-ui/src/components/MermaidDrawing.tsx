/**
 * Draws the backend's Mermaid flowchart as an SVG laid out in layers (no client-side library, no
 * script), plus the same transitions as an ordered list for screen readers and the source text.
 * Steps this run went through are highlighted.
 */

interface Edge {
  from: string;
  to: string;
  conditional: boolean;
  label?: string;
}

const NODE_W = 130;
const NODE_H = 34;
const COL_GAP = 36;
const ROW_GAP = 56;
const PAD = 40;

export function parseMermaid(source: string): { nodes: string[]; edges: Edge[] } {
  const nodes: string[] = [];
  const edges: Edge[] = [];
  const add = (name: string) => {
    if (!nodes.includes(name)) nodes.push(name);
  };
  for (const line of source.split('\n')) {
    const edge = /^\s*([\w-]+)(?:[[({][^\])}]*[\])}]+)?\s*(-[-.]*)(?:\|([^|]*)\|)?[-.]*>\s*([\w-]+)/.exec(line);
    if (edge?.[1] && edge[4]) {
      add(edge[1]);
      add(edge[4]);
      edges.push({
        from: edge[1],
        to: edge[4],
        conditional: (edge[2] ?? '').includes('.'),
        label: edge[3]?.trim() || undefined,
      });
      continue;
    }
    const node = /^\s*([\w-]+)\s*[[({]/.exec(line);
    if (node?.[1] && !['graph', 'flowchart', 'classDef', 'style', 'subgraph'].includes(node[1])) add(node[1]);
  }
  return { nodes, edges };
}

function layers(nodes: string[], edges: Edge[]): Map<string, number> {
  // Breadth-first depth from the start node: stable, and back edges (redraft → draft) simply point up.
  const level = new Map<string, number>();
  const start = nodes.find((n) => n === '__start__') ?? nodes[0];
  if (!start) return level;
  level.set(start, 0);
  const queue = [start];
  while (queue.length) {
    const current = queue.shift() as string;
    for (const edge of edges.filter((e) => e.from === current)) {
      if (!level.has(edge.to)) {
        level.set(edge.to, (level.get(current) ?? 0) + 1);
        queue.push(edge.to);
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

const clean = (name: string) => name.replace(/^__(.*)__$/, '$1');

export function MermaidDrawing({ source, title, highlight }: { source: string; title: string; highlight: string[] }) {
  const { nodes, edges } = parseMermaid(source);
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
            const a = pos.get(edge.from);
            const b = pos.get(edge.to);
            if (!a || !b) return null;
            const dash = edge.conditional ? '5 4' : undefined;
            if (edge.from === edge.to) {
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
                  {clean(n)}
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
              <span className={visited.has(edge.from) ? 'visited' : undefined}>{clean(edge.from)}</span> →{' '}
              <span className={visited.has(edge.to) ? 'visited' : undefined}>{clean(edge.to)}</span>
              {edge.conditional ? <span className="muted"> (conditional)</span> : null}
              {edge.label ? <span className="muted"> ({edge.label})</span> : null}
            </li>
          ))}
        </ol>
      </div>
      <details>
        <summary>Mermaid source</summary>
        <pre>{source}</pre>
      </details>
      <figcaption>
        {title}. Dashed arrows are conditional; highlighted steps are the ones this run went through.
      </figcaption>
    </figure>
  );
}
