import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from 'htmlparser2';
import type { ChildNode } from 'domhandler';
import { convert } from 'html-to-text';
import { HTML_LIMITS, flattenHtml, stripTags } from './bounded-html';

/** The depth, element count and text htmlparser2 builds (what html-to-text walks), walked without recursion. */
function treeShape(html: string): { depth: number; elements: number; text: string } {
  let depth = 0;
  let elements = 0;
  const text: string[] = [];
  const pending: [ChildNode, number][] = parseDocument(html)
    .children.map((node): [ChildNode, number] => [node, 1])
    .reverse();
  while (pending.length > 0) {
    const [node, level] = pending.pop()!;
    if (node.type === 'text') text.push(node.data);
    if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') continue;
    elements++;
    depth = Math.max(depth, level);
    for (const child of [...node.children].reverse()) pending.push([child, level + 1]);
  }
  return { depth, elements, text: text.join('').replace(/\s+/g, '') };
}

const nested = (depth: number, inner = 'deep text') => `${'<div>'.repeat(depth)}${inner}${'</div>'.repeat(depth)}`;

// Each builds far more than the limit with a trick a naive tag counter would miss.
const hostile: Record<string, string> = {
  'plain nesting': nested(5_000),
  'never closed': '<div>'.repeat(5_000) + 'tail',
  'closed with spaces': `${'<div>'.repeat(3_000)}x${'</ div >'.repeat(3_000)}`,
  'implied </p> closes (p in div in p)': `${'<p>' + '<div>'.repeat(99) + '</p>'}`.repeat(200),
  'inline elements': `${'<b><i><span>'.repeat(2_000)}x`,
  'self-closing outside SVG stays open': `${'<div/>'.repeat(3_000)}x`,
  'SVG with self-closing children': `<svg>${'<g>'.repeat(3_000)}${'<path d="M0"/>'.repeat(500)}</svg>`,
  'quoted > in attributes': `${'<div title="a>b">'.repeat(3_000)}x`,
  'stray close tags between': `${'<div></span>'.repeat(3_000)}x`,
  'table cells': `<table>${'<tr><td><table>'.repeat(1_000)}x`,
  'many flat elements': '<p>a <b>b</b></p>'.repeat(30_000),
  'stray </p> and </br> (each becomes an element)': `${'<div>'.repeat(150)}${'</p></br>'.repeat(15_000)}x`,
};

describe('flattenHtml', () => {
  for (const [name, html] of Object.entries(hostile)) {
    test(`${name}: within the limits as html-to-text's parser sees it, text kept`, () => {
      const { html: bounded, flattened } = flattenHtml(html);
      assert.ok(flattened);
      const shape = treeShape(bounded);
      assert.ok(shape.depth <= HTML_LIMITS.maxDepth, `depth ${shape.depth}`);
      assert.ok(shape.elements <= HTML_LIMITS.maxElements, `elements ${shape.elements}`);
      assert.equal(shape.text, treeShape(html).text, 'the same text');
      assert.doesNotThrow(() => convert(bounded, { wordwrap: false }));
    });
  }

  test('HTML within the limits comes back unchanged', () => {
    const ordinary =
      '<html><body><p>Hi &amp; welcome,<br>see <a href="https://x.example">this</a></p>' +
      '<ul><li>one<li>two</ul><svg><path d="M0"/></svg><script>if (a<b) go()</script></body></html>';
    assert.deepEqual(flattenHtml(ordinary), { html: ordinary, flattened: false });
  });

  test('the deep text survives flattening', () => {
    const { html } = flattenHtml(nested(50_000, 'the customer asks about order 7'));
    assert.match(convert(html, { wordwrap: false }), /the customer asks about order 7/);
  });
});

describe('stripTags', () => {
  test('text, line breaks and entities; comments, scripts and styles removed', () => {
    assert.equal(
      stripTags(
        '<p>a &amp; b<br>c<script>x<y</script>d &#x41;<!-- hidden --> <B>bold</B></p><div>next<style>p{}</style>',
      ),
      'a & b\ncd A bold\nnext',
    );
  });

  test('unterminated comments, scripts and tags hide the rest, as a browser would', () => {
    assert.equal(stripTags('shown<!-- never closed <p>hidden'), 'shown');
    assert.equal(stripTags('shown<script>hidden'), 'shown');
    assert.equal(stripTags('shown<div class="x'), 'shown');
  });

  test('text of hostile nesting', () => {
    assert.equal(stripTags(nested(100_000, 'deep')), 'deep');
  });
});
