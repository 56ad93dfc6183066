import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import { chromiumPath, e2eDir } from './tools';

/** Debian chromium driven by playwright-core, on a fresh profile. */
export async function launchBrowser(): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('chromium not found');
  fs.mkdirSync(path.join(e2eDir, 'tmp'), { recursive: true });
  const profile = fs.mkdtempSync(path.join(e2eDir, 'tmp', 'prof-'));
  // Playwright refuses --user-data-dir in args; a persistent context takes the folder instead.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function openWorkbench(page: Page, url: string, folder: string): Promise<void> {
  // Waits for the workbench itself, not the page's load event (which a loaded machine delays past goto's limit).
  await page.goto(`${url}?folder=${encodeURIComponent(folder)}`, { waitUntil: 'commit' });
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('#workbench\\.parts\\.statusbar').waitFor({ timeout: 60_000 });
}

const quickInput = (page: Page) => page.locator('.quick-input-widget input');

/**
 * Runs a command from the palette (F1). The palette lists a command only once the extension host
 * has registered it, so it is reopened until the command shows up.
 */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await page.keyboard.press('F1');
    await quickInput(page).waitFor({ state: 'visible', timeout: 15_000 });
    await quickInput(page).fill(`>${title}`);
    try {
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 3000 });
      await page.keyboard.press('Enter');
      return;
    } catch {
      if (Date.now() > end) throw new Error(`command "${title}" never appeared in the palette`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
    }
  }
}

/** Types into the open input box or quick pick and accepts. */
export async function answerInput(page: Page, text: string, pickRow?: string): Promise<void> {
  await quickInput(page).waitFor({ state: 'visible', timeout: 15_000 });
  await quickInput(page).fill(text);
  if (pickRow)
    await page.locator('.quick-input-list .monaco-list-row', { hasText: pickRow }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

/** Opens a workspace file through Quick Open. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await quickInput(page).waitFor({ state: 'visible', timeout: 15_000 });
  await quickInput(page).fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
}

/** The extension's page inside a webview: iframe.webview (host) → #active-frame (the HTML). */
export function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview').first().frameLocator('#active-frame');
}

export function toast(page: Page, text: string | RegExp) {
  return page.locator('.notifications-toasts .notification-list-item', { hasText: text });
}
