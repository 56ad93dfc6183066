/**
 * Scenario 2, the peer gateway: the same mock behind Portkey's open-source gateway
 * (@portkey-ai/gateway, `--headless --port=N`), against Conduit and a direct SDK call, in
 * alternating blocks. Portkey binds every interface, so suite.ts runs this file inside a network
 * namespace of its own (`unshare -n`, loopback only) when it can; otherwise Portkey lives only for
 * the length of this run. All traffic goes to 127.0.0.1. Prints one JSON line (the result) last.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import OpenAI from 'openai';
import { DaemonClient } from '../daemon/client/daemonClient';
import { benchConfig, benchHome, daemonEnv, startFake, textOfSize, freePort, waitForHttp } from './processes';
import { summarize, type Summary } from './stats';

const quick = process.argv.includes('--quick');
const buildDir = __dirname;
const repo = path.resolve(buildDir, '..', '..');

export interface PeerResult {
  ok: boolean;
  skipped?: string;
  isolation?: string;
  direct?: Summary;
  portkey?: Summary;
  conduit?: Summary;
}

async function main(): Promise<PeerResult> {
  const entry = path.join(repo, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
  if (!fs.existsSync(entry))
    return { ok: false, skipped: `${path.relative(repo, entry)} is missing (@portkey-ai/gateway not installed)` };
  const fake = await startFake(buildDir);
  const port = await freePort();
  let stderr = '';
  // NODE_ENV=production: no dev log UI, nothing beyond the proxy itself.
  const portkey = spawn(process.execPath, [entry, '--headless', `--port=${port}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  portkey.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const home = benchHome();
  benchConfig(home);
  let client: DaemonClient | undefined;
  try {
    const problem = await waitForHttp(`http://127.0.0.1:${port}/`, portkey, 20_000);
    if (problem)
      return {
        ok: false,
        skipped: `Portkey ${problem}${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' / ')}` : ''}`,
      };
    await fake.control('/__fake/default', { provider: 'openai', script: { text: textOfSize(1400), chunks: 1 } });
    const env = daemonEnv(home, fake.url);
    client = await DaemonClient.connect({
      client: 'cli',
      home,
      autoStart: true,
      spawn: { daemonScript: path.join(repo, 'dist', 'daemon.js'), env },
    });
    const direct = new OpenAI({ apiKey: env.OPENAI_API_KEY!, baseURL: `${fake.url}/v1`, maxRetries: 0 });
    const viaPortkey = new OpenAI({
      apiKey: env.OPENAI_API_KEY!,
      baseURL: `http://127.0.0.1:${port}/v1`,
      maxRetries: 0,
      defaultHeaders: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${fake.url}/v1` },
    });
    const messages = [{ role: 'user' as const, content: 'benchmark' }];
    const body = { model: 'gpt-bench', messages, max_completion_tokens: 64 };
    const timed = async (op: () => Promise<unknown>): Promise<number> => {
      const t = performance.now();
      await op();
      return performance.now() - t;
    };
    const sides: Array<[string, () => Promise<unknown>]> = [
      ['direct', () => direct.chat.completions.create(body)],
      ['portkey', () => viaPortkey.chat.completions.create(body)],
      [
        'conduit',
        () => client!.chat({ provider: 'openai', model: 'gpt-bench', messages, max_tokens: 64, stream: false }),
      ],
    ];
    // Prove Portkey really relays (a wrong header set answers with an error, not the mock's text).
    const first = await viaPortkey.chat.completions.create(body).catch((err: unknown) => err);
    if (first instanceof Error)
      return { ok: false, skipped: `Portkey started but did not relay to the mock: ${first.message}` };
    for (let i = 0; i < 30; i++) for (const [, op] of sides) await op();
    const samples: Record<string, number[]> = { direct: [], portkey: [], conduit: [] };
    const n = quick ? 150 : 600;
    for (let b = 0; b < n / 25; b++)
      for (const [name, op] of sides) for (let j = 0; j < 25; j++) samples[name]!.push(await timed(op));
    return {
      ok: true,
      direct: summarize(samples.direct!),
      portkey: summarize(samples.portkey!),
      conduit: summarize(samples.conduit!),
    };
  } finally {
    await client?.stop().catch(() => undefined);
    client?.close();
    portkey.kill('SIGTERM');
    fake.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().then(
  (r) => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (err: unknown) => {
    process.stdout.write(`${JSON.stringify({ ok: false, skipped: `the peer benchmark failed: ${String(err)}` })}\n`);
    process.exit(0);
  },
);
