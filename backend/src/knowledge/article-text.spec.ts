import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chunkArticle, cleanBody, guessFormat } from './article-text';
import { parseFrontMatter } from './markdown-folder';
import { cosine, queryWords, reciprocalRankFusion } from './retrieval';

describe('article text', () => {
  test('Markdown is chunked at headings, and inline marks become plain words', () => {
    const body =
      'Intro line.\n\n# Returns\nSend it **back** within [30 days](https://x.example).\n\nUse the label.\n\n## Refunds\nFive days.';
    assert.deepEqual(chunkArticle(body, 'markdown'), [
      { position: 0, heading: null, text: 'Intro line.' },
      { position: 1, heading: 'Returns', text: 'Send it back within 30 days.\n\nUse the label.' },
      { position: 2, heading: 'Refunds', text: 'Five days.' },
    ]);
  });

  test('a long section is packed into chunks of whole paragraphs', () => {
    const paragraph = 'word '.repeat(80).trim(); // 399 characters: two fit in 900, three do not
    const chunks = chunkArticle([paragraph, paragraph, paragraph].join('\n\n'), 'text');
    assert.equal(chunks.length, 2);
    assert.deepEqual(
      chunks.map((chunk) => chunk.text.length),
      [800, 399],
    );
  });

  test('HTML is recognised, sanitised and chunked by its headings', () => {
    const html =
      '<h1>Care</h1><p>Dry it <b>first</b>.</p><ul><li>No dryer</li></ul><h2>Store</h2><p>Cool &amp; dry.</p>';
    assert.equal(guessFormat(html), 'html');
    assert.equal(guessFormat('# Care\nDry it first.'), 'markdown');
    const clean = cleanBody(html, 'html');
    assert.deepEqual(
      chunkArticle(clean, 'html').map((chunk) => [chunk.heading, chunk.text]),
      [
        ['Care', 'Dry it first.\n\n- No dryer'],
        ['Store', 'Cool & dry.'],
      ],
    );
  });

  test('HTML inside Markdown is removed, scripts with their content', () => {
    assert.equal(cleanBody('Hello <script>alert(1)</script><b>there</b> & bye', 'markdown'), 'Hello there & bye');
  });

  test('front matter gives fields and the rest is the body', () => {
    const { fields, body } = parseFrontMatter('---\ntitle: "Gift cards"\ntags: [a, b]\n---\n\n# Body');
    assert.deepEqual(fields, { title: 'Gift cards', tags: '[a, b]' });
    assert.equal(body.trim(), '# Body');
  });
});

describe('retrieval helpers', () => {
  test('the query is the email’s fresh content words, without numbers, quotes or syntax', () => {
    const text =
      'How long -is the "return" window? Order 48213 or not.\n> quoted older text\nOn Mon, 1 Jan 2026, Shop wrote:\nold';
    assert.deepEqual(queryWords('Return window', text), ['return', 'window', 'long', 'order']);
  });

  test('reciprocal rank fusion rewards agreement; cosine is scale-free', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['b', 'a', 'c'],
    ]);
    assert.ok(fused.get('a')! === fused.get('b')! && fused.get('a')! > fused.get('c')!);
    assert.equal(cosine([1, 2], [2, 4]).toFixed(6), '1.000000');
    assert.equal(cosine([1, 0], [0, 1]), 0);
  });
});
