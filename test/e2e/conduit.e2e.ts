import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeProviderServer } from '../fakes/fakeProvider';
import type { CodeServer } from './harness/codeServer';
import { useConduitWorkbench } from './harness/conduitWorkbench';
import { daemonIn } from './harness/env';
import { missingTools } from './harness/tools';
import { answerInput, openFile, runCommand, toast, webview } from './harness/workbench';

const missing = missingTools();
if (missing) console.warn(`[e2e] conduit.e2e.ts SKIPPED: ${missing}`);

const SAMPLE = 'function add(a, b) {\n  return a + b;\n}\n';

/**
 * The packaged extension (.vsix) installed in code-server 4.139.1 (VS Code 1.139.1), driven from
 * the command palette in chromium, with the real daemon it starts and the fake provider server.
 */
describe.skipIf(missing !== undefined)('Conduit in a real VS Code', () => {
  let fake: FakeProviderServer;
  let cs: CodeServer;
  let page: Page;
  let home: string;

  const w = useConduitWorkbench({ name: 'ui', files: { 'sample.js': SAMPLE } });
  beforeAll(() => {
    ({ fake, cs, page, home } = w);
  });

  it('Ask from the palette streams the answer into the panel beside the editor', async () => {
    fake.setDefault('anthropic', { text: 'The answer is forty-two, streamed in pieces.' });
    await runCommand(page, 'Conduit: Ask');
    await answerInput(page, 'What is the answer? (e2e ask)');
    const answer = webview(page).locator('#answer');
    await expect
      .poll(() => answer.textContent(), { timeout: 60_000 })
      .toContain('The answer is forty-two, streamed in pieces.');
    const footer = webview(page).locator('#footer');
    await expect.poll(() => footer.textContent(), { timeout: 10_000 }).toMatch(/^anthropic\/.+ · \$\d/);
    expect(fake.requests.at(-1)?.provider).toBe('anthropic');
    expect(fake.requests.at(-1)?.stream).toBe(true);
  });

  it('Retry in the answer panel asks again, and the daemon records the retried answer as such', async () => {
    const asked = fake.requests.length;
    fake.setDefault('anthropic', { text: 'A second try, streamed again.' });
    await webview(page).locator('#retry').click();
    await expect
      .poll(() => webview(page).locator('#answer').textContent(), { timeout: 60_000 })
      .toContain('A second try, streamed again.');
    expect(fake.requests.length).toBe(asked + 1);
    const log = () =>
      fs
        .readFileSync(path.join(home, 'logs', 'daemon.log'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"answer rated"'));
    await expect.poll(() => log().length, { timeout: 10_000 }).toBe(1);
    expect(JSON.parse(log()[0]!)).toMatchObject({ rating: -1, reason: 'retry', feature: 'ask', client: 'vscode' });
  });

  it("the status bar shows the provider and today's cost after a request", async () => {
    const item = page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: /anthropic · \$\d/ });
    await item.first().waitFor({ timeout: 30_000 });
    expect(await item.first().textContent()).toMatch(/anthropic · \$\d+\.\d+/);
  });

  it('Explain Selection shows the explanation inline at the code', async () => {
    fake.setDefault('anthropic', { text: 'It adds a and b and returns the sum.' });
    await openFile(page, 'sample.js');
    await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+A');
    await runCommand(page, 'Conduit: Explain Selection');
    await page.getByText('It adds a and b and returns the sum.').first().waitFor({ timeout: 60_000 });
    // The comment thread widget sits in the editor, under the explained code.
    expect(await page.locator('.monaco-editor .review-widget', { hasText: 'It adds a and b' }).count()).toBeGreaterThan(
      0,
    );
  });

  it('Switch Provider changes the setting and the next request goes to the new provider', async () => {
    fake.setDefault('openai', { text: 'OpenAI answers now.' });
    await runCommand(page, 'Conduit: Switch Provider');
    await answerInput(page, 'openai', 'openai');
    await expect.poll(() => cs.userSettings()['conduit.provider'], { timeout: 15_000 }).toBe('openai');
    // The extension host hears of the change a moment after the file is written; the status bar shows it.
    await page
      .locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: /openai/ })
      .first()
      .waitFor({ timeout: 15_000 });
    await runCommand(page, 'Conduit: Ask');
    await answerInput(page, 'Who answers? (e2e switch)');
    await expect
      .poll(() => webview(page).locator('#answer').textContent(), { timeout: 60_000 })
      .toContain('OpenAI answers now.');
    expect(fake.requests.at(-1)?.provider).toBe('openai');
  });

  it('Set API Key reaches the daemon', async () => {
    await runCommand(page, 'Conduit: Set API Key');
    await answerInput(page, 'gemini', 'gemini');
    // Where the daemon reaches no keychain (no Secret Service on the machine), the command first
    // offers VS Code's secret storage; accept it, as a user there would, and the key box follows.
    const keyBox = page.locator('.quick-input-widget .quick-input-title', { hasText: 'gemini API key' });
    const useSecretStorage = toast(page, 'Keep the gemini key in VS Code instead?').locator('.monaco-button', {
      hasText: 'Use VS Code Secret Storage',
    });
    await keyBox.or(useSecretStorage).first().waitFor({ timeout: 30_000 });
    if (await useSecretStorage.isVisible()) await useSecretStorage.click();
    await keyBox.waitFor({ timeout: 30_000 });
    await answerInput(page, 'AIzaFAKE-e2e-set-key-000000000000000');
    // Stored in the keychain (a Secret Service is running, as in CI), or, where none is, in VS
    // Code's secret storage and handed to the daemon: either way the answer came from the daemon.
    const reply = toast(page, /gemini key (…\w{4} is (set|kept in VS Code's secret storage)|was not set: .*keychain)/i);
    await reply.first().waitFor({ timeout: 30_000 });
    const text = (await reply.first().textContent()) ?? '';
    if (/is set/.test(text))
      expect(fs.readFileSync(path.join(home, 'logs', 'daemon.log'), 'utf8')).toContain('key stored');
    expect(text).not.toContain('e2e-set-key');
  });

  it('after the daemon is killed, it is restarted and the next command works', async () => {
    const before = await daemonIn(home);
    expect(before).toBeDefined();
    const pid = before!.hello.pid;
    before!.close();
    process.kill(pid, 'SIGKILL');
    fake.setDefault('openai', { text: 'Back after a crash.' });
    await runCommand(page, 'Conduit: Ask');
    await answerInput(page, 'Are you back? (e2e restart)');
    await expect
      .poll(() => webview(page).locator('#answer').textContent(), { timeout: 60_000 })
      .toContain('Back after a crash.');
    const after = await daemonIn(home);
    expect(after?.hello.pid).toBeDefined();
    expect(after?.hello.pid).not.toBe(pid);
    after?.close();
  });
});
