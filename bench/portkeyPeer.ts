import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import OpenAI from 'openai';
import { freePort, waitForHttp } from './processes';

/**
 * The peer gateway: Portkey's open-source gateway (@portkey-ai/gateway), started offline from
 * its build with `--headless --port=N` and NODE_ENV=production (no log UI, nothing beyond the
 * proxy), relaying to the same mock. It binds every interface, so the comparison runs in a
 * network namespace of its own when it can (see peer.ts).
 */
export interface PortkeyPeer {
  sdk: OpenAI;
  /** Its process, whose RSS bench/memory.ts samples. */
  pid: number | undefined;
  stop(): void;
}

/** Portkey relaying to `mockUrl`, or the reason it cannot be compared with. */
export async function startPortkey(repo: string, mockUrl: string, apiKey: string): Promise<PortkeyPeer | string> {
  const entry = path.join(repo, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
  if (!fs.existsSync(entry)) return '@portkey-ai/gateway is not installed';
  const port = await freePort();
  let stderr = '';
  const proc: ChildProcess = spawn(process.execPath, [entry, '--headless', `--port=${port}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  proc.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const stop = () => proc.kill('SIGTERM');
  const problem = await waitForHttp(`http://127.0.0.1:${port}/`, proc, 20_000);
  if (problem) {
    stop();
    return `Portkey ${problem}${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' / ')}` : ''}`;
  }
  const sdk = new OpenAI({
    apiKey,
    baseURL: `http://127.0.0.1:${port}/v1`,
    maxRetries: 0,
    defaultHeaders: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${mockUrl}/v1` },
  });
  // Prove Portkey really relays (a wrong header set answers with an error, not the mock's text).
  const first = await sdk.chat.completions
    .create({ model: 'gpt-bench', messages: [{ role: 'user', content: 'relay?' }] })
    .catch((err: unknown) => err);
  if (first instanceof Error) {
    stop();
    return `Portkey started but did not relay to the mock: ${first.message}`;
  }
  return { sdk, pid: proc.pid, stop };
}
