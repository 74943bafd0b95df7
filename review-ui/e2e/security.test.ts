import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { ROOT, Stack, complaint, freePort, startNextServer, stopNextServer } from './harness';

const { hostileHtmlCases } = createRequire(__filename)(join(ROOT, 'backend/dist/test/fixtures/hostile-html.js')) as {
  hostileHtmlCases: (trap: string) => { name: string; html: string; visible?: string }[];
};

const stack = new Stack();
/** A page on another port of the same host, as an attacker's would be: it frames whatever it is asked to. */
let framer: Server;
let framerOrigin = '';

before(async () => {
  await stack.start();
  framer = createServer((request, response) => {
    const target = new URL(request.url ?? '/', 'http://framer.invalid').searchParams.get('frame') ?? '';
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><title>framer</title><iframe id="victim" src="${encodeURI(target)}"></iframe>`);
  });
  await new Promise<void>((done) => framer.listen(0, '127.0.0.1', done));
  framerOrigin = `http://127.0.0.1:${(framer.address() as AddressInfo).port}`;
});
after(async () => {
  framer?.closeAllConnections();
  await new Promise((done) => framer?.close(done));
  await stack.stop();
});

async function signedInCookie(page: Page): Promise<string> {
  await stack.signIn(page);
  const cookies = await page.context().cookies(stack.uiUrl);
  return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
}

const HOSTILE_NEXT = ['/%09/evil.example', '/%0a/x', '//evil.example', '/%5Cevil.example', 'https://evil.example'];

describe('browser-facing defences in Chromium against the real backend', () => {
  test('sign-in never redirects off the UI: hostile next values land on /, a path of ours is kept', async () => {
    for (const next of HOSTILE_NEXT.slice(0, 2)) {
      const { context, page } = await stack.newPage();
      await page.goto(`${stack.uiUrl}/sign-in?next=${next}`);
      await page.getByLabel('Email').fill('admin@handoff.test');
      await page.getByLabel('Password').fill('correct-horse-battery-staple');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/queue$/);
      assert.equal(new URL(page.url()).origin, stack.uiUrl, `after signing in with next=${next}`);
      await context.close();
    }
    const { context, page } = await stack.newPage();
    const cookie = await signedInCookie(page);
    for (const next of HOSTILE_NEXT) {
      // Signed in already: the server redirects at once.
      const response = await fetch(`${stack.uiUrl}/sign-in?next=${next}`, { headers: { cookie }, redirect: 'manual' });
      await response.body?.cancel();
      assert.equal(response.status, 307, `next=${next} answered ${response.status}`);
      const location = new URL(response.headers.get('location') ?? '', stack.uiUrl);
      assert.equal(location.origin, stack.uiUrl, `next=${next} redirected to ${location.href}`);
      assert.equal(location.pathname, '/', `next=${next}`);
    }
    const kept = await fetch(`${stack.uiUrl}/sign-in?next=${encodeURIComponent('/history?cursor=abc')}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    await kept.body?.cancel();
    assert.equal(new URL(kept.headers.get('location') ?? '', stack.uiUrl).href, `${stack.uiUrl}/history?cursor=abc`);
    await context.close();
  });

  test('pages carry a nonce CSP that changes per request, and the anti-framing, nosniff and referrer headers', async () => {
    const policies: string[] = [];
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await fetch(`${stack.uiUrl}/sign-in`);
      const html = await response.text();
      const policy = response.headers.get('content-security-policy') ?? '';
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
      assert.ok(nonce, policy);
      assert.match(policy, /script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/);
      assert.match(policy, /frame-ancestors 'none'/);
      assert.match(policy, /object-src 'none'/);
      assert.match(policy, /base-uri 'none'/);
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
      assert.ok(scripts.length > 0);
      for (const script of scripts)
        assert.ok(script.includes(`nonce="${nonce}"`), `script without the nonce: ${script}`);
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'same-origin');
      assert.equal(response.headers.get('strict-transport-security'), null, 'no HSTS on an http UI');
      policies.push(policy);
      const asset = /<script[^>]* src="(\/_next\/static\/[^"]+)"/.exec(html)?.[1];
      assert.ok(asset);
      const script = await fetch(`${stack.uiUrl}${asset}`);
      await script.body?.cancel();
      assert.equal(script.headers.get('x-content-type-options'), 'nosniff', asset);
    }
    assert.notEqual(policies[0], policies[1], 'a fresh nonce per request');
  });

  test('the API proxy answers, its own refusals included, with a data-only policy and no-store', async () => {
    const signedOut = await fetch(`${stack.uiUrl}/api/v1/reviews`);
    const forged = await fetch(`${stack.uiUrl}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { origin: 'http://evil.example' },
    });
    for (const [response, what] of [
      [signedOut, 'backend 401'],
      [forged, 'proxy 403'],
    ] as const) {
      await response.body?.cancel();
      assert.match(
        response.headers.get('content-security-policy') ?? '',
        /^default-src 'none'; frame-ancestors 'none'/,
      );
      assert.equal(response.headers.get('x-frame-options'), 'DENY', what);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', what);
      assert.equal(response.headers.get('referrer-policy'), 'same-origin', what);
      assert.equal(response.headers.get('cache-control'), 'no-store', what);
    }
    assert.equal(forged.status, 403);
  });

  test('with an https PUBLIC_UI_URL the UI sends HSTS and upgrades insecure requests', async () => {
    const port = await freePort();
    const ui = await startNextServer(port, { API_URL: stack.backendUrl, PUBLIC_UI_URL: 'https://review.handoff.test' });
    try {
      for (const path of ['/sign-in', '/api/v1/reviews']) {
        const response = await fetch(`http://127.0.0.1:${port}${path}`);
        await response.body?.cancel();
        assert.match(response.headers.get('strict-transport-security') ?? '', /^max-age=31536000/, path);
      }
      const page = await fetch(`http://127.0.0.1:${port}/sign-in`);
      await page.body?.cancel();
      assert.match(page.headers.get('content-security-policy') ?? '', /upgrade-insecure-requests/);
    } finally {
      await stopNextServer(ui);
    }
  });

  test('the app runs under its policy, and a page on another port cannot frame the review page', async () => {
    const { reviewId } = await stack.pendingReview(complaint());
    const { context, page } = await stack.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await stack.signIn(page);
    const reviewUrl = `${stack.uiUrl}/reviews/${reviewId}`;
    await page.goto(reviewUrl);
    // Hydrated: the decision shortcuts work only once Next's scripts ran under the nonce policy.
    await page.getByRole('heading', { name: /^Decide/ }).waitFor();
    await page.keyboard.press('r');
    await page.getByLabel(/Why reject/).waitFor();
    assert.deepEqual(violations, []);

    await page.goto(`${framerOrigin}/?frame=${encodeURIComponent(reviewUrl)}`);
    const victim = page.frameLocator('#victim');
    await page.locator('#victim').waitFor();
    const frame = await (await page.locator('#victim').elementHandle())!.contentFrame();
    assert.ok(frame);
    await frame.waitForLoadState('load');
    assert.match(frame.url(), /^chrome-error:/, 'the browser refused to show the review page in the frame');
    assert.equal(await victim.getByRole('button', { name: /approve/i }).count(), 0);
    assert.equal(await victim.getByRole('heading', { name: /^Decide/ }).count(), 0);
    await context.close();
  });

  test('a hostile email’s SVG, MathML, escaped CSS and links reach nothing outside', async () => {
    const trap = stack.trap.origin;
    const cases = hostileHtmlCases(trap);
    const html = `<p>I want to complain about the terrible service.</p>${cases.map((c) => `<div>${c.html}</div>`).join('\n')}`;
    const { reviewId } = await stack.pendingReview(complaint({ html, text: undefined }));
    const { context, page, requests } = await stack.newPage();
    await stack.signIn(page);
    await page.goto(`${stack.uiUrl}/reviews/${reviewId}`);
    const iframe = page.locator('.email-html iframe');
    await iframe.waitFor();
    const srcdoc = (await iframe.getAttribute('srcdoc')) ?? '';
    const trapHost = trap.replace(/^http:\/\//, '');
    const markup = srcdoc
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
    // The trap may still be named as inert text (a link's tooltip, a CSS string); never where it loads.
    assert.doesNotMatch(markup, new RegExp(`\\s(src|srcset|background|poster|href|xlink:href)="[^"]*${trapHost}`, 'i'));
    assert.doesNotMatch(markup, new RegExp(`(?<![\\w-])(url|src|image-set|image)\\(\\s*['"]?[^)'"]*${trapHost}`, 'i'));
    assert.doesNotMatch(markup, /<(svg|math|image|use|animate|foreignobject|mglyph)\b/i);
    assert.doesNotMatch(markup, /\s(xlink:)?href=/i);
    assert.doesNotMatch(markup, /@import|javascript:/i);
    for (const { name, visible } of cases) if (visible) assert.ok(srcdoc.includes(visible), `${name} keeps its text`);
    assert.match(markup, /<a title="Link \(not opened here\): [^"]*plain-link">Plain link<\/a>/);
    // Escaped and commented url() were read as the browser reads them, and blocked.
    for (const text of ['Escaped attribute', 'Six digits', 'Letter escape', 'Upper url', 'Entity', 'Newline']) {
      assert.ok(markup.includes(`style="background: none">${text}<`), `${text}: ${markup}`);
    }
    assert.match(markup, /<style>p \{ background-image: none \}<\/style><p>Escaped sheet/);
    assert.match(markup, /<style>p \{ background: none \}<\/style>/);

    const frame = page.frameLocator('.email-html iframe');
    for (const text of ['Plain link', 'Upper link', 'Js link', 'Ping']) await frame.getByText(text).click();
    await page.getByRole('button', { name: 'Load remote images' }).click();
    await page.getByRole('button', { name: 'Block remote images' }).waitFor();
    await page.waitForLoadState('networkidle');
    // Nothing broke out of a <style>: no element was made from the text inside one.
    assert.equal(await frame.locator('img[alt="breakout"]').count(), 0);
    assert.deepEqual(stack.trap.hits, []);
    assert.deepEqual(
      requests.filter((url) => url.includes(trapHost)),
      [],
    );
    await context.close();
  });
});
