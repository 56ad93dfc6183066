import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';

/** The themes' labels in VS Code 1.139's picker, and the class the workbench then carries. */
const THEMES = {
  dark: { label: 'Dark Modern', workbenchClass: 'vs-dark' },
  light: { label: 'Light Modern', workbenchClass: 'vs' },
} as const;

export type ThemeKind = keyof typeof THEMES;

/**
 * Puts the workbench in a theme of this kind and returns whether it is there: at once when it
 * already is (the workbench's `vs` / `vs-dark` class), else through the theme picker (Ctrl+K
 * Ctrl+T) by its label; then, when given, waits for a webview's body to carry `vscode-<kind>`.
 * In code-server 4.139.1 offline the picker lists no installed theme (only "Browse Additional
 * Color Themes…") and a settings file written while the workbench runs is not applied, so a kind
 * the workbench does not start in is reported, not failed (the default is Light 2026).
 */
export async function useColorTheme(page: Page, kind: ThemeKind, webviewBody?: () => Locator): Promise<boolean> {
  const theme = THEMES[kind];
  const wearing = page.locator(`.monaco-workbench.${theme.workbenchClass}`);
  if ((await wearing.count()) === 0) {
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+T');
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: theme.label }).first();
    try {
      await row.waitFor({ timeout: 10_000 });
      await row.click();
      await wearing.waitFor({ timeout: 30_000 });
    } catch {
      await page.keyboard.press('Escape');
      return false;
    }
  }
  if (!webviewBody) return true;
  const end = Date.now() + 30_000;
  for (;;) {
    const cls =
      (await webviewBody()
        .getAttribute('class', { timeout: 10_000 })
        .catch(() => null)) ?? '';
    if (cls.split(/\s+/).includes(`vscode-${kind}`)) return true;
    if (Date.now() > end) return false;
    await page.waitForTimeout(200);
  }
}

/** Screenshots of one state in each theme kind the workbench can show, as `<state>-<kind>.png`. */
export async function screenshotsInThemes(
  page: Page,
  dir: string,
  state: string,
  webviewBody?: () => Locator,
): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const kind of ['dark', 'light'] as const) {
    if (!(await useColorTheme(page, kind, webviewBody))) {
      console.log(`[e2e] the workbench could not be put in a ${kind} theme; no ${state}-${kind}.png`);
      continue;
    }
    const file = path.join(dir, `${state}-${kind}.png`);
    await page.screenshot({ path: file });
    files.push(file);
  }
  return files;
}
