import * as fs from 'node:fs';
import * as path from 'node:path';
import OpenAI from 'openai';
import { DaemonClient } from '../daemon/client/daemonClient';
import { benchConfig, benchHome, daemonEnv, freePort } from './processes';

/**
 * A benchmark daemon (dist/daemon.js, or another build) with its two ways in: Conduit's own
 * client over the socket (IPC) and the local OpenAI-compatible endpoint over HTTP.
 */
export interface BenchDaemon {
  client: DaemonClient;
  /** The openai SDK pointed at the daemon's local endpoint, when it was turned on. */
  endpoint?: OpenAI;
  home: string;
  env: NodeJS.ProcessEnv;
  /** spawn → accepting → hello answered. */
  startMs: number;
  dispose(): Promise<void>;
}

export async function startDaemon(
  mockUrl: string,
  script: string,
  opts: { config?: Record<string, unknown>; endpoint?: boolean } = {},
): Promise<BenchDaemon> {
  const home = benchHome();
  const port = opts.endpoint ? await freePort() : undefined;
  benchConfig(home, { ...(port ? { server: { enabled: true, port } } : {}), ...opts.config });
  const env = daemonEnv(home, mockUrl);
  const t = performance.now();
  const client = await DaemonClient.connect({
    client: 'cli',
    home,
    autoStart: true,
    spawn: { daemonScript: script, env },
  });
  const startMs = performance.now() - t;
  let endpoint: OpenAI | undefined;
  if (port) {
    const token = fs.readFileSync(path.join(home, 'endpoint-token'), 'utf8').trim();
    endpoint = new OpenAI({ apiKey: token, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  }
  return {
    client,
    ...(endpoint ? { endpoint } : {}),
    home,
    env,
    startMs,
    async dispose() {
      await client.stop().catch(() => undefined);
      client.close();
      // The daemon may still be closing files in its home as it exits (ENOTEMPTY): retry the removal.
      fs.rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    },
  };
}
