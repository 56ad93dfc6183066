import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { answerInput, runCommand } from './workbench';

/** The themes' labels in VS Code 1.139's picker, and the class the workbench then carries. */
const THEMES = {
  dark: { label: 'Dark Modern', workbenchClass: 'vs-dark' },
  light: { label: 'Light Modern', workbenchClass: 'vs' },
} as const;

export type ThemeKind = keyof typeof THEMES;

/**
 * Switches the colour theme as a user does, through "Preferences: Color Theme", and returns once
 * the workbench wears it (its `vs` / `vs-dark` class) and, when given, a webview's body has the
 * matching `vscode-light` / `vscode-dark` class. A settings file written while the workbench runs
 * reached it late or not at all (the remote file watch), so the picker is used instead.
 */
export async function useColorTheme(page: Page, kind: ThemeKind, webviewBody?: () => Locator): Promise<void> {
  const theme = THEMES[kind];
  await runCommand(page, 'Preferences: Color Theme');
  await answerInput(page, theme.label, theme.label);
  await page.locator(`.monaco-workbench.${theme.workbenchClass}`).waitFor({ timeout: 30_000 });
  if (!webviewBody) return;
  const end = Date.now() + 30_000;
  for (;;) {
    const cls =
      (await webviewBody()
        .getAttribute('class', { timeout: 10_000 })
        .catch(() => null)) ?? '';
    if (cls.split(/\s+/).includes(`vscode-${kind}`)) return;
    if (Date.now() > end) throw new Error(`the webview did not follow the ${kind} theme (body class "${cls}")`);
    await page.waitForTimeout(200);
  }
}

/** Screenshots of one state in the dark and the light theme, as `<state>-dark.png` and `<state>-light.png`. */
export async function screenshotsInThemes(
  page: Page,
  dir: string,
  state: string,
  webviewBody?: () => Locator,
): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const kind of ['dark', 'light'] as const) {
    await useColorTheme(page, kind, webviewBody);
    const file = path.join(dir, `${state}-${kind}.png`);
    await page.screenshot({ path: file });
    files.push(file);
  }
  return files;
}
