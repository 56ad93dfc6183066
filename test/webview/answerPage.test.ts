import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerPageHtml } from '../../extension/answerPageHtml';
import type { AnswerState, FromAnswerPage } from '../../protocol/answerView';
import { chromiumPath, launch, ORIGIN } from './panelPage';

const chromium = chromiumPath();
if (!chromium) console.warn('[webview] test/webview/answerPage.test.ts SKIPPED: chromium not found; CI installs it');
const dist = path.resolve(__dirname, '../../dist');

const HOSTILE = [
  '# Title',
  '',
  '![pixel](https://tracker.example/p.png) <img src="https://tracker.example/q.png" onerror="window.pwned=1">',
  '',
  '<script>window.pwned = 2</script> [run](javascript:window.pwned=3) [docs](https://example.com/d)',
  '',
  '```js',
  'const a = 1;',
  '```',
].join('\n');

const answered: AnswerState = {
  question: 'q',
  context: 'no code',
  text: HOSTILE,
  footer: 'anthropic/x',
  done: true,
  requestId: 'r1',
  rated: 0,
};

/** The answer page's bundle in Chromium under its own CSP, fed as the extension feeds it. */
describe.skipIf(!chromium)('answer page in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];

  const send = async (state: AnswerState) => {
    await page.evaluate((s) => window.postMessage({ type: 'state', state: s }, '*'), state);
    await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
  };
  const posted = () => page.evaluate(() => (window as unknown as { __posted: FromAnswerPage[] }).__posted);

  beforeAll(async () => {
    for (const f of ['answer.js', 'answer.css', 'codicon.ttf'])
      if (!fs.existsSync(path.join(dist, f))) throw new Error(`dist/${f} is missing: run \`npm run build\` first`);
    browser = await launch();
    const context = await browser.newContext();
    page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    const html = answerPageHtml({
      cspSource: ORIGIN,
      nonce: 'dGVzdC1ub25jZS0xMjM0NQ==',
      scriptUri: `${ORIGIN}/dist/answer.js`,
      styleUri: `${ORIGIN}/dist/answer.css`,
    });
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== ORIGIN) return route.abort();
      if (url.pathname === '/index.html') return route.fulfill({ contentType: 'text/html', body: html });
      const file = path.join(dist, path.basename(url.pathname));
      const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf' };
      if (url.pathname.startsWith('/dist/') && fs.existsSync(file))
        return route.fulfill({
          contentType: types[path.extname(file)] ?? 'application/octet-stream',
          body: fs.readFileSync(file),
        });
      return route.fulfill({ status: 404, body: '' });
    });
    await page.addInitScript(() => {
      const w = window as unknown as Record<string, unknown>;
      w.__posted = [];
      w.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        (w.__violations as string[]).push(`${e.violatedDirective} ${e.blockedURI}`),
      );
      w.acquireVsCodeApi = () => ({
        postMessage: (m: unknown) => (w.__posted as unknown[]).push(m),
        getState: () => undefined,
        setState: () => undefined,
      });
    });
    await page.goto(`${ORIGIN}/index.html`);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('says it is ready', async () => {
    await expect.poll(() => posted()).toEqual([{ type: 'ready' }]);
  });

  it('renders hostile markdown inert: no script runs, no image loads, nothing leaves the origin, no CSP violation', async () => {
    await send(answered);
    expect(await page.locator('#answer h1').textContent()).toBe('Title');
    expect(await page.locator('#answer img').count()).toBe(0);
    expect(await page.locator('#answer script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator('#answer a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
      'https://tracker.example/p.png',
      'https://example.com/d',
    ]);
    await expect
      .poll(() => page.evaluate(() => document.fonts.load('16px codicon').then((f) => f.length)))
      .toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith(ORIGIN))).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
  });

  it('a link click goes to the extension and the page stays where it is', async () => {
    await page.locator('#answer a', { hasText: 'docs' }).click();
    expect(page.url()).toBe(`${ORIGIN}/index.html`);
    expect((await posted()).at(-1)).toEqual({ type: 'openLink', href: 'https://example.com/d' });
  });

  it('Copy and Insert at Cursor name their block; the rating uses codicons', async () => {
    await page.locator('button[data-action="copy"][data-index="0"]').click();
    await page.locator('button[data-action="insert"][data-index="0"]').click();
    expect((await posted()).slice(-2)).toEqual([
      { type: 'copy', index: 0 },
      { type: 'insert', index: 0 },
    ]);
    expect(await page.locator('#rate').isVisible()).toBe(true);
    expect(await page.locator('#up i.codicon-thumbsup').count()).toBe(1);
  });

  it('a failure: the warning box with its actions, no rating', async () => {
    await send({
      ...answered,
      text: '',
      failure: { severity: 'warning', title: 'No model answered.', detail: 'Retry.', actions: ['retry', 'showLogs'] },
    });
    expect(await page.locator('#failure').getAttribute('class')).toBe('failure warning');
    expect(await page.locator('#rate').isVisible()).toBe(false);
    await page.locator('button[data-failure-action="retry"]').click();
    expect((await posted()).at(-1)).toEqual({ type: 'action', action: 'retry' });
    await send({
      ...answered,
      failure: { severity: 'error', title: 'Key rejected.', detail: '', actions: ['setApiKey'] },
    });
    expect(await page.locator('#failure').getAttribute('class')).toBe('failure error');
    expect(await page.locator('#failure i.codicon-error').count()).toBe(1);
  });
});
