import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostileHtmlCases } from '../../test/fixtures/hostile-html';
import { sanitizeEmailHtml } from './email-html';

const TRAP = 'http://trap.example';

test('the email sanitiser keeps formatting and link text, and drops everything that could run or track', () => {
  const html = sanitizeEmailHtml(
    `<p onclick="alert(1)" style="color:red">Hi <b>there</b></p><script>alert(2)</script>
     <a href="javascript:alert(3)">x</a><a href="https://shop.example/o/1" target="_blank">order</a>
     <img src="https://tracker.example/p.gif"><iframe src="https://evil.example"></iframe>
     <form action="https://evil.example"><input name="password"></form><style>body{}</style>`,
  );
  assert.match(html, /<p>Hi <b>there<\/b><\/p>/);
  assert.match(html, /<a title="Link \(not opened here\): https:\/\/shop\.example\/o\/1">order<\/a>/);
  for (const bad of [
    'onclick',
    'style',
    '<script',
    'href',
    'javascript:',
    'target',
    '<img',
    'tracker',
    '<iframe',
    '<form',
    '<input',
  ]) {
    assert.ok(!html.includes(bad), `${bad} removed from ${html}`);
  }
});

test('no hostile case keeps a link, a resource, SVG, MathML or CSS pointing anywhere', () => {
  for (const { name, html, visible } of hostileHtmlCases(TRAP)) {
    const clean = sanitizeEmailHtml(html);
    // A link's address may stay as tooltip text; nothing else may name the trap.
    const withoutTooltips = clean.replace(/ title="[^"]*"/g, '');
    assert.ok(!withoutTooltips.includes('trap.example'), `${name}: ${clean}`);
    assert.doesNotMatch(clean, /\b(href|src|srcset|background|action|formaction|ping|style)=/i, `${name}: ${clean}`);
    assert.doesNotMatch(clean, /<(svg|math|style|image|use|link|base|meta|form|input|iframe|object|embed)\b/i, name);
    assert.doesNotMatch(clean, /url\(|@import|javascript:/i, `${name}: ${clean}`);
    if (visible) assert.ok(clean.includes(visible), `${name} keeps its text: ${clean}`);
  }
});
