import * as net from 'node:net';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { FakeProviderServer, type FakeProviderOptions } from '../../fakes/fakeProvider';
import { CodeServer } from './codeServer';
import { conduitEnv, stopDaemon } from './env';
import { checkoutTag, vsixPath } from './tools';
import { launchBrowser, openWorkbench } from './workbench';

export interface ConduitWorkbenchOptions {
  /** Names the run folder and CONDUIT_HOME; short, for the socket path. */
  name: string;
  /** Files to create in the workspace folder. */
  files?: Record<string, string>;
  fake?: FakeProviderOptions;
  /** More code-server arguments, e.g. `--vscode-option enable-smoke-test-driver`. */
  extraArgs?: string[];
  /** Open the workbench in chromium in beforeAll (the default); false leaves the browser to the test. */
  browser?: boolean;
}

/** Filled in by beforeAll; the test file reads it in its tests. */
export interface ConduitWorkbench {
  fake: FakeProviderServer;
  cs: CodeServer;
  home: string;
  /** The workbench page; undefined with `browser: false`. */
  page: Page;
}

/**
 * The frame of an e2e file: the fake provider server, code-server with the packaged .vsix
 * installed and every provider pointed at the fake, a private CONDUIT_HOME, and (unless told
 * otherwise) chromium showing the workbench. Afterwards: a screenshot, then the browser,
 * code-server, the daemon the extension started and the fake are stopped.
 *
 * The run folders live in the shared .e2e folder, so their names carry a tag of this checkout and
 * the port is whatever is free: two checkouts running the same file do not collide.
 */
export function useConduitWorkbench(opts: ConduitWorkbenchOptions): ConduitWorkbench {
  const holder = {} as ConduitWorkbench;
  let closeBrowser: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    holder.fake = await FakeProviderServer.start(opts.fake);
    const name = `${opts.name}-${checkoutTag()}`;
    const setup = await conduitEnv(holder.fake.url, name);
    holder.home = setup.home;
    holder.cs = await CodeServer.start({
      name,
      port: await freePort(),
      env: setup.env,
      vsix: vsixPath,
      ...(opts.files ? { files: opts.files } : {}),
      ...(opts.extraArgs ? { extraArgs: opts.extraArgs } : {}),
    });
    if (opts.browser === false) return;
    const browser = await launchBrowser();
    holder.page = browser.page;
    closeBrowser = browser.close;
    await openWorkbench(holder.page, holder.cs.url, holder.cs.workspace);
  });
  afterAll(async () => {
    if (holder.page && holder.cs)
      await holder.page.screenshot({ path: path.join(holder.cs.dir, 'last.png') }).catch(() => undefined);
    await closeBrowser?.();
    await holder.cs?.stop();
    if (holder.home) await stopDaemon(holder.home);
    await holder.fake?.stop();
  });
  return holder;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
