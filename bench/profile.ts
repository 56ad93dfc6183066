/**
 * Profiles the daemon's non-streaming path: starts dist/daemon.js with `--cpu-prof`, sends
 * requests from one client at concurrency 1, stops it and prints the functions with the most
 * self time (the .cpuprofile is kept for Chrome DevTools). Not part of `npm run bench`:
 *   [BENCH_DAEMON_SCRIPT=<dist>/daemon.js] node bench/run.mjs --only profile [--requests N] [--endpoint] [--stream] [--threads]
 * `--endpoint` sends them with the openai SDK through the local endpoint instead of over IPC.
 * `--stream` streams each answer over IPC in four chunks instead, so the stream's path (the first
 * chunk's way out and back, the chunk notifications) is what the profile shows.
 * `--threads` runs the daemon without the profiler and prints each of its threads' CPU time per
 * request instead (Linux): the SQLite thread, libuv's pool and V8's workers are not in a profile.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import OpenAI from 'openai';
import { DaemonClient } from '../daemon/client/daemonClient';
import { perRequestUs, threadCpuMs } from './threadCpu';
import { benchConfig, benchHome, daemonEnv, freePort, roomyLimitHeaders, startFake, textOfSize } from './processes';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const buildDir = __dirname;
const repo = path.resolve(buildDir, '..', '..');
// BENCH_DAEMON_SCRIPT profiles another build (an earlier one, for before/after).
const daemonScript = process.env.BENCH_DAEMON_SCRIPT ?? path.join(repo, 'dist', 'daemon.js');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const n = args.includes('--requests') ? Number(args[args.indexOf('--requests') + 1]) : 3000;
  const fake = await startFake(buildDir);
  const home = benchHome();
  const viaEndpoint = args.includes('--endpoint');
  const stream = !viaEndpoint && args.includes('--stream');
  const threads = args.includes('--threads');
  const port = await freePort();
  benchConfig(home, viaEndpoint ? { server: { enabled: true, port }, cache: { enabled: false } } : undefined);
  const profDir = path.join(home, 'prof');
  const env = daemonEnv(home, fake.url);
  const daemon = spawn(
    process.execPath,
    threads ? [daemonScript] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=50', daemonScript],
    { env, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => daemon.once('exit', () => resolve()));
  let client: DaemonClient | undefined;
  for (let i = 0; i < 200 && !client; i++) {
    client = await DaemonClient.connect({ client: 'cli', home }).catch(() => undefined);
    if (!client) await new Promise((r) => setTimeout(r, 25));
  }
  if (!client) throw new Error('daemon did not start');
  await fake.control('/__fake/default', {
    provider: 'openai',
    script: stream
      ? { deltas: ['one ', 'two ', 'three ', 'four '], headers: roomyLimitHeaders }
      : { text: textOfSize(1400), chunks: 1, headers: roomyLimitHeaders },
  });
  const messages = [{ role: 'user' as const, content: 'benchmark' }];
  const endpoint = viaEndpoint
    ? new OpenAI({
        apiKey: fs.readFileSync(path.join(home, 'endpoint-token'), 'utf8').trim(),
        baseURL: `http://127.0.0.1:${port}/v1`,
        maxRetries: 0,
      })
    : undefined;
  const cpuBefore = threadCpuMs(client.hello.pid);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (endpoint) await endpoint.chat.completions.create({ model: 'gpt-bench', messages, max_completion_tokens: 64 });
    else if (stream)
      await client.chat(
        { provider: 'openai', model: 'gpt-bench', messages, max_tokens: 64, stream: true },
        { onChunk: () => undefined },
      );
    else await client.chat({ provider: 'openai', model: 'gpt-bench', messages, max_tokens: 64, stream: false });
  }
  const wall = performance.now() - t0;
  const cpuAfter = threadCpuMs(client.hello.pid);
  await client.stop().catch(() => undefined);
  client.close();
  await exited;
  fake.proc.kill('SIGTERM');
  if (threads) {
    const rows = perRequestUs(cpuBefore, cpuAfter, n);
    const total = rows.reduce((s, [, us]) => s + us, 0);
    console.log(
      `${n} requests in ${wall.toFixed(0)} ms (${(wall / n).toFixed(3)} ms each); daemon CPU ${total.toFixed(0)} µs per request, by thread:`,
    );
    for (const [name, us] of rows) console.log(`${us.toFixed(0).padStart(7)} µs/req  ${name}`);
    fs.rmSync(home, { recursive: true, force: true });
    return;
  }
  const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!;
  const keep = path.join(
    repo,
    'bench',
    'results',
    `daemon-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`,
  );
  fs.mkdirSync(path.dirname(keep), { recursive: true });
  fs.copyFileSync(path.join(profDir, file), keep);
  const prof = JSON.parse(fs.readFileSync(path.join(profDir, file), 'utf8')) as CpuProfile;
  fs.rmSync(home, { recursive: true, force: true });
  const self = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++)
    self.set(prof.samples[i]!, (self.get(prof.samples[i]!) ?? 0) + (prof.timeDeltas[i] ?? 0));
  const byNode = new Map(prof.nodes.map((nd) => [nd.id, nd]));
  const byFn = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const nd = byNode.get(id)!;
    const f = nd.callFrame;
    total += us;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${f.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  const busy = [...byFn].filter(([k]) => !k.startsWith('(idle)')).reduce((s, [, v]) => s + v, 0);
  console.log(
    `${n} requests in ${wall.toFixed(0)} ms (${(wall / n).toFixed(3)} ms each); daemon busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled = ${(busy / n).toFixed(1)} µs CPU per request`,
  );
  for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`${(us / n).toFixed(1).padStart(7)} µs/req  ${k}`);
  console.log(`profile: ${path.relative(repo, keep)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
