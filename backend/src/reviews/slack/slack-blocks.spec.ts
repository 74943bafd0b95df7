import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sourceBlocks } from './slack-blocks';

describe('Slack review message: sources', () => {
  test('each cited passage shows its title, linked when it has a URL, and the start of the passage', () => {
    const [block] = sourceBlocks({
      citations: [
        {
          articleId: 'a1',
          title: 'Returning an item',
          url: 'https://help.shop.example/returns',
          chunk: 'Returns\nYou can return unworn items within 30 days. '.concat('More words here. '.repeat(30)),
        },
        { articleId: 'a2', title: 'Gift cards', url: null, chunk: 'Gift cards never expire.' },
      ],
    });
    const text = (block as { text: { text: string } }).text.text;
    assert.match(
      text,
      /^\*Sources\*\n\[1\] <https:\/\/help\.shop\.example\/returns\|Returning an item>\n>Returns You can return unworn items within 30 days\./,
    );
    assert.match(text, /\n\[2\] \*Gift cards\*\n>Gift cards never expire\.$/);
    assert.ok(text.length < 600, 'long passages are shortened');
  });

  test('titles, passages and URLs cannot mention, link or break out of the link syntax', () => {
    const [block] = sourceBlocks({
      citations: [
        {
          articleId: 'a1',
          title: '<!channel> <https://evil.example|click>',
          url: 'https://help.shop.example/a|b>c',
          chunk: 'Ask <@U123> & <!here>',
        },
      ],
    });
    const text = (block as { text: { text: string } }).text.text;
    assert.ok(!/<!channel>|<!here>|<@U123>|<https:\/\/evil/.test(text), text);
    assert.match(
      text,
      /<https:\/\/help\.shop\.example\/a%7Cb%3Ec\|&lt;!channel&gt; &lt;https:\/\/evil\.example\|click&gt;>/,
    );
  });

  test('a draft citing nothing adds no block', () => {
    assert.deepEqual(sourceBlocks({ citations: [] }), []);
  });
});
