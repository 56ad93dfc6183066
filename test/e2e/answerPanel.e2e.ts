import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeProviderServer } from '../fakes/fakeProvider';
import type { CodeServer } from './harness/codeServer';
import { useConduitWorkbench } from './harness/conduitWorkbench';
import { screenshotsInThemes } from './harness/themes';
import { e2eDir, missingTools } from './harness/tools';
import { answerInput, runCommand, toast, webview } from './harness/workbench';

const missing = missingTools();
if (missing) console.warn(`[e2e] answerPanel.e2e.ts SKIPPED: ${missing}`);

/** Where the screenshots of each state go, in each theme. */
const artifacts = path.join(e2eDir, 'artifacts', 'answer-panel');

const CODE = 'function add(a: number, b: number): number {\n  return a + b;\n}';
/** What a model might answer: markdown, with a raw tag and a hostile link that must stay inert. */
const FIXTURE = [
  '## How `add` works',
  '',
  'It **adds** two numbers:',
  '',
  '- takes `a` and `b`',
  '- returns their *sum*',
  '',
  '```ts',
  CODE,
  '```',
  '',
  'See [the docs](https://example.com/add) but not [this](javascript:alert(1)). <script>window.pwned = 1</script>',
].join('\n');

/** Screenshots of a state in the dark and the light theme, for the artifacts; each theme must apply. */
async function screenshots(page: Page, state: string): Promise<void> {
  const files = await screenshotsInThemes(page, artifacts, state, () => webview(page).locator('body'));
  for (const f of files) expect(fs.statSync(f).size).toBeGreaterThan(10_000);
}

/**
 * The answer panel in code-server: the model's markdown rendered (headings, lists, highlighted
 * code with Copy), and an outage (HTTP 500 from every provider) shown as a warning with Retry.
 */
describe.skipIf(missing !== undefined)('the answer panel in a real VS Code', () => {
  let fake: FakeProviderServer;
  let cs: CodeServer;
  let page: Page;

  const w = useConduitWorkbench({ name: 'answer' });
  beforeAll(() => {
    ({ fake, cs, page } = w);
  });

  it('renders the markdown answer, highlights its code, keeps raw HTML and bad links inert, and Copy copies', async () => {
    fake.setDefault('anthropic', { text: FIXTURE });
    await runCommand(page, 'Conduit: Ask');
    // The box says what goes with the question: no editor is open, so no code.
    await expect
      .poll(() => page.locator('.quick-input-widget').textContent(), { timeout: 15_000 })
      .toContain('sends no code');
    await answerInput(page, 'How does add work? (e2e markdown)');
    const view = webview(page);
    await expect.poll(() => view.locator('body').getAttribute('data-state'), { timeout: 60_000 }).toBe('answered');
    expect(await view.locator('#context').textContent()).toBe('Sent: no code');
    expect(await view.locator('#answer h2').textContent()).toBe('How add works');
    expect(await view.locator('#answer h2 code').textContent()).toBe('add');
    expect(await view.locator('#answer strong').textContent()).toBe('adds');
    expect(await view.locator('#answer ul > li').allTextContents()).toEqual(['takes a and b', 'returns their sum']);
    expect(await view.locator('#answer .code-block pre code.language-ts').textContent()).toBe(`${CODE}\n`);
    expect(await view.locator('#answer .code-block .hljs-keyword').count()).toBeGreaterThan(0);
    // Nothing of the model's became markup or code: the tag is text, the javascript: link is text.
    expect(await view.locator('#answer script').count()).toBe(0);
    expect(await view.locator('#answer').textContent()).toContain('<script>window.pwned = 1</script>');
    expect(await view.locator('#answer a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
      'https://example.com/add',
    ]);
    // Codicons, not emoji: the rating buttons hold the font's glyphs, and the font loaded under the CSP.
    expect(await view.locator('#up i.codicon-thumbsup').count()).toBe(1);
    expect(await view.locator('#rate').textContent()).not.toMatch(/\p{Extended_Pictographic}/u);
    await expect
      .poll(() => view.locator('body').evaluate(() => document.fonts.load('16px codicon').then((f) => f.length)), {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);

    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(cs.url).origin });
    await view.locator('button[data-action="copy"][data-index="0"]').click();
    await expect
      .poll(() => view.locator('button[data-action="copy"][data-index="0"]').getAttribute('data-copied'), {
        timeout: 15_000,
      })
      .toBe('true');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${CODE}\n`);
    await screenshots(page, 'answer');
  });

  it('an outage (HTTP 500 everywhere) shows in the warning style with Retry, no rating, one notification', async () => {
    for (const p of ['anthropic', 'openai', 'gemini'] as const)
      fake.setDefault(p, { status: 500, error: { type: 'api_error', message: 'Internal server error' } });
    await runCommand(page, 'Conduit: Ask');
    await answerInput(page, 'Is anyone there? (e2e outage)');
    const view = webview(page);
    await expect.poll(() => view.locator('body').getAttribute('data-state'), { timeout: 90_000 }).toBe('warning');
    const box = view.locator('#failure');
    expect(await box.getAttribute('class')).toBe('failure warning');
    expect(await box.locator('.failure-title').textContent()).toContain('No model answered');
    expect(await box.locator('i.codicon-warning').count()).toBe(1);
    // The theme's warning colours, not the body's.
    const colours = await box.evaluate((el) => {
      const css = getComputedStyle(el);
      const probe = document.createElement('div');
      probe.style.borderColor = 'var(--vscode-inputValidation-warningBorder)';
      document.body.append(probe);
      const expected = getComputedStyle(probe).borderColor;
      probe.remove();
      return { border: css.borderTopColor, expected };
    });
    expect(colours.border).toBe(colours.expected);
    expect(await box.locator('button[data-failure-action="retry"]').count()).toBe(1);
    expect(await box.locator('button[data-failure-action="switchProvider"]').count()).toBe(1);
    expect(await view.locator('#rate').isHidden()).toBe(true);
    expect(await view.locator('#answer').textContent()).toBe('');
    // One notification for the failure.
    await toast(page, /No model answered/)
      .first()
      .waitFor({ timeout: 15_000 });
    expect(await toast(page, /Conduit: /).count()).toBe(1);
    // The status bar warns, although no circuit may be open yet.
    await page
      .locator('#workbench\\.parts\\.statusbar .statusbar-item', {
        hasText: /anthropic/,
        has: page.locator('.codicon-warning'),
      })
      .first()
      .waitFor({ timeout: 30_000 });
    await screenshots(page, 'outage');

    // Retry asks again: a new request, shown the same way while the provider is still down.
    const first = await view.locator('body').getAttribute('data-request-id');
    await box.locator('button[data-failure-action="retry"]').click();
    await expect
      .poll(
        async () =>
          `${await view.locator('body').getAttribute('data-state')} ${(await view.locator('body').getAttribute('data-request-id')) !== first}`,
        { timeout: 90_000 },
      )
      .toBe('warning true');
  });
});
