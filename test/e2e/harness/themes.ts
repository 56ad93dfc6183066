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
 * already is (the workbench's `vs` / `vs-dark` class), else as a user does, through the theme
 * picker (Ctrl+K Ctrl+T) and a click on the theme's label, then waits for the workbench's class;
 * when given, also for a webview's body to carry `vscode-<kind>`. A settings file written while
 * code-server runs is not applied, so the picker is the way. Early after the workbench loads the
 * picker may list only "Browse Additional Color Themes…"; it is then closed and opened again.
 * A theme that still does not apply is reported, not failed: the screenshots document states,
 * the tests' assertions are elsewhere.
 */
export async function useColorTheme(page: Page, kind: ThemeKind, webviewBody?: () => Locator): Promise<boolean> {
  const theme = THEMES[kind];
  const wearing = page.locator(`.monaco-workbench.${theme.workbenchClass}`);
  const end = Date.now() + 45_000;
  while ((await wearing.count()) === 0) {
    if (Date.now() > end) return false;
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+T');
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: theme.label }).first();
    try {
      await row.waitFor({ timeout: 5_000 });
      await row.click();
      await wearing.waitFor({ timeout: 15_000 });
    } catch {
      await page.keyboard.press('Escape');
    }
  }
  if (!webviewBody) return true;
  const until = Date.now() + 30_000;
  for (;;) {
    const cls =
      (await webviewBody()
        .getAttribute('class', { timeout: 10_000 })
        .catch(() => null)) ?? '';
    if (cls.split(/\s+/).includes(`vscode-${kind}`)) return true;
    if (Date.now() > until) return false;
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
