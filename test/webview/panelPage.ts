import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { panelCsp } from '../../extension/panelCsp';
import { panelPageHtml } from '../../extension/panelPageHtml';
import type { FromWebview, PanelSnapshot, PanelWebviewState, ToWebview } from '../../protocol/webview';

/**
 * The panel's bundle in a real Chromium, on a page that stands in for a VS Code webview: the
 * extension's own HTML (extension/panelPageHtml.ts) and CSP, served from a fake origin by request interception,
 * and an `acquireVsCodeApi` that records what the page posts and keeps its state.
 */

export const ORIGIN = 'https://conduit-panel.test';
const repoRoot = path.resolve(__dirname, '../..');
const dist = path.join(repoRoot, 'dist');
export const artifactsDir = path.join(repoRoot, 'test/webview/artifacts');

export function chromiumPath(): string | undefined {
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && fs.existsSync(p)) return p;
  }
  return undefined;
}

export type Theme = 'light' | 'dark' | 'high-contrast';

/** A few of the variables VS Code sets on a webview's <html>, per theme kind. */
const THEMES: Record<Theme, Record<string, string>> = {
  light: {
    '--vscode-font-family': 'sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-foreground': '#3b3b3b',
    '--vscode-editor-background': '#ffffff',
    '--vscode-descriptionForeground': '#717171',
    '--vscode-sideBar-background': '#f8f8f8',
    '--vscode-widget-border': '#e5e5e5',
    '--vscode-charts-foreground': '#616161',
    '--vscode-charts-lines': 'rgba(97,97,97,0.3)',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#388a34',
    '--vscode-charts-purple': '#652d90',
    '--vscode-charts-red': '#e51400',
    '--vscode-charts-yellow': '#bf8803',
    '--vscode-textLink-foreground': '#005fb8',
    '--vscode-errorForeground': '#e51400',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-button-background': '#005fb8',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-settings-dropdownBackground': '#ffffff',
    '--vscode-settings-dropdownForeground': '#3b3b3b',
    '--vscode-settings-dropdownBorder': '#cecece',
    '--vscode-settings-dropdownListBorder': '#cecece',
    '--vscode-button-secondaryBackground': '#e5e5e5',
    '--vscode-button-secondaryForeground': '#3b3b3b',
  },
  dark: {
    '--vscode-font-family': 'sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-foreground': '#cccccc',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-sideBar-background': '#181818',
    '--vscode-widget-border': '#313131',
    '--vscode-charts-foreground': '#cccccc',
    '--vscode-charts-lines': 'rgba(204,204,204,0.3)',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-yellow': '#cca700',
    '--vscode-textLink-foreground': '#4daafc',
    '--vscode-errorForeground': '#f85149',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-button-background': '#0078d4',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-settings-dropdownBackground': '#313131',
    '--vscode-settings-dropdownForeground': '#cccccc',
    '--vscode-settings-dropdownBorder': '#3c3c3c',
    '--vscode-settings-dropdownListBorder': '#454545',
    '--vscode-button-secondaryBackground': '#313131',
    '--vscode-button-secondaryForeground': '#cccccc',
  },
  'high-contrast': {
    '--vscode-font-family': 'sans-serif',
    '--vscode-font-size': '13px',
    '--vscode-foreground': '#ffffff',
    '--vscode-editor-background': '#000000',
    '--vscode-descriptionForeground': '#ffffff',
    '--vscode-contrastBorder': '#6fc3df',
    '--vscode-charts-foreground': '#ffffff',
    '--vscode-charts-lines': '#ffffff',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-yellow': '#ffff00',
    '--vscode-textLink-foreground': '#21a6ff',
    '--vscode-focusBorder': '#f38518',
  },
};

export interface PanelPage {
  page: Page;
  /** Every URL the page requested. */
  requests: string[];
  /** Posts as VS Code does (the message crosses as JSON) and waits until the page has drawn it. */
  send(message: ToWebview): Promise<void>;
  /** Posts only: the page handles it in a task of its own. */
  post(message: ToWebview): Promise<void>;
  posted(): Promise<FromWebview[]>;
  state(): Promise<PanelWebviewState | undefined>;
  setTheme(theme: Theme): Promise<void>;
  /** Resolves once the page has drawn its charts (it draws them one per frame after the numbers). */
  chartsDrawn(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath()!,
    headless: true,
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
}

export async function openPanel(
  browser: Browser,
  opts: {
    state?: PanelWebviewState;
    theme?: Theme;
    dist?: string;
    blank?: boolean;
    /**
     * The first snapshot, written into the HTML as the extension does when it has it in time. A
     * promise is awaited after the browser context and page are made, before the HTML is served,
     * as VS Code makes the panel at once and takes its HTML when the extension sets it.
     */
    first?: PanelSnapshot | Promise<PanelSnapshot | undefined>;
    /** The HTML alone: the script is not served (what the page shows before it runs). */
    noScript?: boolean;
    /**
     * Records in the page (epoch ms, as `performance.timeOrigin + performance.now()`) the first
     * frame painted at all (`__firstFrameAt`) and the first painted with a snapshot's figures
     * (`__figuresAt`: `#root[aria-busy=false][data-generated-at]`), each seen by the
     * requestAnimationFrame callback after that frame's, which runs once it was painted.
     */
    timing?: boolean;
  } = {},
): Promise<PanelPage> {
  const from = opts.dist ?? dist;
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  const nonce = 'dGVzdC1ub25jZS0xMjM0NQ==';
  const first = await opts.first;
  const html = panelPageHtml({
    cspSource: ORIGIN,
    nonce,
    scriptUri: `${ORIGIN}/dist/webview.js`,
    styleUri: `${ORIGIN}/dist/webview.css`,
    bodyClass: `vscode-${opts.theme ?? 'dark'}`,
    ...(first ? { first } : {}),
  });
  // The same shell without the panel's files: what Chromium and the harness cost on their own.
  const blank = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${panelCsp(ORIGIN, nonce)}">
</head><body class="vscode-${opts.theme ?? 'dark'}"><main id="root" aria-busy="true"></main></body></html>`;
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) return route.abort();
    if (url.pathname === '/index.html')
      return route.fulfill({ contentType: 'text/html', body: opts.blank ? blank : html });
    if (url.pathname === '/dist/webview.js' && !opts.noScript)
      return route.fulfill({ contentType: 'text/javascript', body: fs.readFileSync(path.join(from, 'webview.js')) });
    if (url.pathname === '/dist/webview.css')
      return route.fulfill({ contentType: 'text/css', body: fs.readFileSync(path.join(from, 'webview.css')) });
    return route.fulfill({ status: 404, body: '' });
  });
  // VS Code's stand-in: acquireVsCodeApi once, a message log, a state slot. Injected before the
  // page's own scripts by the browser driver, outside the page's CSP (as VS Code's own script is).
  await page.addInitScript((initial) => {
    const w = window as unknown as Record<string, unknown>;
    w.__posted = [];
    w.__state = initial;
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (w.__violations as string[]).push(`${e.violatedDirective} ${e.blockedURI}`),
    );
    let acquired = false;
    w.acquireVsCodeApi = () => {
      if (acquired) throw new Error('acquireVsCodeApi called twice');
      acquired = true;
      return {
        postMessage: (m: unknown) => (w.__posted as unknown[]).push(m),
        getState: () => w.__state,
        setState: (s: unknown) => {
          w.__state = s;
        },
      };
    };
  }, opts.state);
  if (opts.timing)
    await page.addInitScript(() => {
      const w = window as unknown as { __firstFrameAt?: number; __figuresAt?: Record<string, number> };
      const at = () => performance.timeOrigin + performance.now();
      w.__figuresAt = {};
      let frames = 0;
      let shown: string | undefined;
      const frame = () => {
        // The frame before this callback's was painted: what it showed is on screen now.
        if (++frames === 2) w.__firstFrameAt = at();
        if (shown !== undefined && !(shown in w.__figuresAt!)) w.__figuresAt![shown] = at();
        const root = document.getElementById('root');
        shown = root?.getAttribute('aria-busy') === 'false' ? root.dataset.generatedAt : undefined;
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
  await page.goto(`${ORIGIN}/index.html`);
  const panel: PanelPage = {
    page,
    requests,
    post: async (message) => {
      // A JSON string, parsed in the page: Playwright's own serialization of a large object
      // argument costs far more than the page's work (a 90-day snapshot is ~400 kB).
      await page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(message));
    },
    send: async (message) => {
      await panel.post(message);
      // postMessage is delivered as a task; the page renders the numbers when it arrives, the charts after.
      await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
      await panel.chartsDrawn();
    },
    chartsDrawn: async () => {
      await page.waitForFunction(
        () => document.getElementById('charts')?.getAttribute('aria-busy') !== 'true',
        undefined,
        {
          polling: 'raf',
        },
      );
    },
    posted: () => page.evaluate(() => (window as unknown as { __posted: FromWebview[] }).__posted),
    state: () => page.evaluate(() => (window as unknown as { __state: PanelWebviewState | undefined }).__state),
    setTheme: async (theme) => {
      await page.evaluate(
        ([vars, kind]) => {
          for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
          document.body.className = `vscode-${kind}`;
        },
        [THEMES[theme], theme] as const,
      );
      // The theme's class change redraws the charts (webview/app.ts).
      await panel.chartsDrawn();
    },
  };
  await panel.setTheme(opts.theme ?? 'dark');
  return panel;
}

/** CSP violations the page reported. */
export async function violations(p: PanelPage): Promise<string[]> {
  return p.page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
}
