/**
 * The benchmark suite (issue #11): every figure is measured in this one run against a loopback
 * mock upstream (the fake provider, in its own process), side by side with its baseline. No
 * benchmark is a pass/fail test: goals are printed next to the numbers.
 *   1 overhead (non-streaming, concurrency 1)   2 peer gateway (Portkey, see peerBench.ts)
 *   3 throughput                                 4 streaming
 *   6 rate limit use against an enforcing fake   7 IPC round trip   8 memory and start-up
 *   (5 cache and the limiter's own cost are cacheBench.ts and limiterBench.ts)
 * `--quick` runs a shorter version of each.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import OpenAI from 'openai';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { CacheStatsRequest, PingRequest } from '../protocol';
import { DaemonClient } from '../daemon/client/daemonClient';
import { breakdown } from './breakdown';
import {
  benchConfig,
  benchHome,
  cpuMsOf,
  daemonEnv,
  roomyLimitHeaders,
  rssOf,
  startFake,
  textOfSize,
  type Mock,
} from './processes';
import { percentile, summarize, type Summary } from './stats';
import type { PeerResult } from './peerBench';
import { print, type LimitResult, type MemoryResult, type MemorySample, type Row, type ThroughputRow } from './report';

const quick = process.argv.includes('--quick');
const buildDir = __dirname;
const repo = path.resolve(buildDir, '..', '..');
// BENCH_DAEMON_SCRIPT: run another build of the daemon. BENCH_BEFORE_DAEMON: a second, earlier
// build that scenario 1 measures in the same run, alternating with this one (before/after).
const daemonScript = process.env.BENCH_DAEMON_SCRIPT ?? path.join(repo, 'dist', 'daemon.js');
const beforeScript = process.env.BENCH_BEFORE_DAEMON;

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

function row(scenario: string, a: number[], b: number[], goal?: string): Row {
  const baseline = summarize(a);
  const conduit = summarize(b);
  return {
    scenario,
    baseline,
    conduit,
    addedP50: conduit.p50 - baseline.p50,
    addedP99: conduit.p99 - baseline.p99,
    ...(goal ? { goal } : {}),
  };
}

async function startDaemon(
  mock: Mock,
  config?: Record<string, unknown>,
  script = daemonScript,
): Promise<{ client: DaemonClient; home: string; env: NodeJS.ProcessEnv; startMs: number; dispose(): Promise<void> }> {
  const home = benchHome();
  benchConfig(home, config);
  const env = daemonEnv(home, mock.url);
  const t = performance.now();
  const client = await DaemonClient.connect({
    client: 'cli',
    home,
    autoStart: true,
    spawn: { daemonScript: script, env },
  });
  const startMs = performance.now() - t;
  return {
    client,
    home,
    env,
    startMs,
    async dispose() {
      await client.stop().catch(() => undefined);
      client.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

// 1. Overhead, non-streaming, concurrency 1. With a `before` daemon (BENCH_BEFORE_DAEMON), it
// is measured too, in the same alternating blocks, so before and after share the machine's noise.
async function overhead(mock: Mock, client: DaemonClient, sdk: OpenAI, before?: DaemonClient): Promise<Row[]> {
  // The daemons' own CPU time per request (from /proc): a figure that the machine's other load
  // disturbs far less than latency does.
  const cpuPerRequest = (c: DaemonClient, cpu0: number, n: number) => ((cpuMsOf(c.hello.pid) - cpu0) * 1000) / n;
  const rows: Row[] = [];
  const n = quick ? 150 : 600;
  for (const size of [1400, 10_000]) {
    await mock.control('/__fake/default', {
      provider: 'openai',
      script: { text: textOfSize(size), chunks: 1, headers: roomyLimitHeaders },
    });
    const messages = [{ role: 'user' as const, content: 'benchmark' }];
    const timed = (op: () => Promise<unknown>) => async () => {
      const t = performance.now();
      await op();
      return performance.now() - t;
    };
    const direct = timed(() =>
      sdk.chat.completions.create({ model: 'gpt-bench', messages, max_completion_tokens: 64 }),
    );
    const via = (c: DaemonClient) =>
      timed(() => c.chat({ provider: 'openai', model: 'gpt-bench', messages, max_tokens: 64, stream: false }));
    const sides = [direct, via(client), ...(before ? [via(before)] : [])];
    for (let i = 0; i < 30; i++) for (const side of sides) await side();
    const cpu0 = cpuMsOf(client.hello.pid);
    const cpuBefore0 = before ? cpuMsOf(before.hello.pid) : NaN;
    const samples = await alternate(n, sides);
    rows.push({
      ...row(
        `1. non-streaming ${size / 1000} KB, concurrency 1`,
        samples[0]!,
        samples[1]!,
        'added ≤ 0.3 ms p50, ≤ 1 ms p99',
      ),
      daemonCpuUsPerRequest: cpuPerRequest(client, cpu0, samples[1]!.length),
    });
    if (before)
      rows.push({
        ...row(
          `1. non-streaming ${size / 1000} KB, concurrency 1, BEFORE (${path.basename(beforeScript!)})`,
          samples[0]!,
          samples[2]!,
        ),
        daemonCpuUsPerRequest: cpuPerRequest(before, cpuBefore0, samples[2]!.length),
      });
  }
  return rows;
}

/** Alternates blocks of each side so drift on a shared machine hits them equally. */
async function alternate(n: number, sides: Array<() => Promise<number>>): Promise<number[][]> {
  const out = sides.map(() => [] as number[]);
  const block = 25;
  for (let i = 0; i < Math.ceil(n / block); i++) {
    for (const [k, side] of sides.entries()) for (let j = 0; j < block; j++) out[k]!.push(await side());
  }
  return out;
}

// 4. Streaming: 64 chunks, 20 ms apart. Time to first token, gaps between chunks, none lost or merged.
async function streaming(
  mock: Mock,
  client: DaemonClient,
  sdk: OpenAI,
): Promise<{ rows: Row[]; lost: number; streams: number }> {
  await mock.control('/__fake/default', {
    provider: 'openai',
    script: { deltas: Array.from({ length: 64 }, (_, i) => `c${i} `), chunkDelayMs: 20, headers: roomyLimitHeaders },
  });
  const streams = quick ? 5 : 20;
  const ttftA: number[] = [];
  const ttftB: number[] = [];
  const gapA: number[] = [];
  const gapB: number[] = [];
  let lost = 0;
  for (let i = 0; i < streams; i++) {
    let t = performance.now();
    let last = 0;
    let first = true;
    const s = await sdk.chat.completions.create({
      model: 'gpt-bench',
      messages: [{ role: 'user', content: 's' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of s) {
      if (!chunk.choices[0]?.delta?.content) continue;
      const now = performance.now();
      if (first) {
        ttftA.push(now - t);
        first = false;
      } else gapA.push(now - last);
      last = now;
    }
    t = performance.now();
    first = true;
    let seen = 0;
    let text = '';
    const r = await client.chat(
      { provider: 'openai', model: 'gpt-bench', messages: [{ role: 'user', content: 's' }], stream: true },
      {
        onChunk: (c) => {
          const now = performance.now();
          if (c.seq !== seen || c.delta !== `c${seen} `) lost++;
          seen++;
          text += c.delta;
          if (first) {
            ttftB.push(now - t);
            first = false;
          } else gapB.push(now - last);
          last = now;
        },
      },
    );
    if (seen !== 64 || r.text !== text) lost++;
  }
  return {
    rows: [
      row('4. streaming: time to first token', ttftA, ttftB),
      row('4. streaming: gap between chunks (64 × 20 ms)', gapA, gapB),
    ],
    lost,
    streams,
  };
}

// 7. IPC: a JSON-RPC round trip through the daemon (daemon/ping) vs raw vscode-jsonrpc echo.
async function ipc(client: DaemonClient): Promise<Row[]> {
  const echo = spawn(process.execPath, [path.join(buildDir, 'echoServer.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const line = await new Promise<string>((resolve) => createInterface({ input: echo.stdout }).once('line', resolve));
    const { socket: socketPath } = JSON.parse(line) as { socket: string };
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(socketPath, () => {
        s.setNoDelay(true);
        resolve(s);
      });
      s.once('error', reject);
    });
    const raw = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
    raw.listen();
    const rows: Row[] = [];
    const n = quick ? 500 : 3000;
    for (const size of [1000, 10_000]) {
      const payload = { text: textOfSize(size - 12) };
      const direct = async () => {
        const t = performance.now();
        await raw.sendRequest(PingRequest.type, { payload });
        return performance.now() - t;
      };
      const viaDaemon = async () => {
        const t = performance.now();
        await client.ping(payload);
        return performance.now() - t;
      };
      for (let i = 0; i < 200; i++) {
        await direct();
        await viaDaemon();
      }
      const [a, b] = (await alternate(n, [direct, viaDaemon])) as [number[], number[]];
      rows.push(row(`7. IPC round trip, ${size / 1000} KB (raw vscode-jsonrpc echo → daemon/ping)`, a, b));
    }
    raw.dispose();
    socket.destroy();
    return rows;
  } finally {
    echo.kill('SIGTERM');
  }
}

// 3. Throughput at concurrency 1, 16 and 64 against a 0 ms and a 20 ms mock.
async function throughput(mock: Mock, client: DaemonClient, daemonPid: number, sdk: OpenAI): Promise<ThroughputRow[]> {
  const out: ThroughputRow[] = [];
  const seconds = quick ? 1 : 3;
  const messages = [{ role: 'user' as const, content: 'throughput' }];
  const mockPid = mock.proc.pid!;
  for (const delay of [0, 20]) {
    await mock.control('/__fake/default', {
      provider: 'openai',
      script: {
        text: textOfSize(1400),
        chunks: 1,
        ...(delay ? { headerDelayMs: delay } : {}),
        headers: roomyLimitHeaders,
      },
    });
    for (const concurrency of [1, 16, 64]) {
      const run = async (op: () => Promise<unknown>) => {
        const until = performance.now() + seconds * 1000;
        let done = 0;
        const lat: number[] = [];
        const mock0 = cpuMsOf(mockPid);
        const daemon0 = cpuMsOf(daemonPid);
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (performance.now() < until) {
              const t = performance.now();
              await op();
              lat.push(performance.now() - t);
              done++;
            }
          }),
        );
        const wall = performance.now() - t0;
        return {
          rps: done / (wall / 1000),
          mockCpu: cpuMsOf(mockPid) - mock0,
          daemonCpu: cpuMsOf(daemonPid) - daemon0,
          wall,
          done,
          lat,
        };
      };
      const direct = () => sdk.chat.completions.create({ model: 'gpt-bench', messages, max_completion_tokens: 64 });
      const viaConduit = () =>
        client.chat({ provider: 'openai', model: 'gpt-bench', messages, max_tokens: 64, stream: false });
      await run(direct);
      await run(viaConduit); // warm-up (connection pools at this concurrency)
      const d = await run(direct);
      const c = await run(viaConduit);
      out.push({
        mockDelayMs: delay,
        concurrency,
        directRps: d.rps,
        conduitRps: c.rps,
        ratio: c.rps / d.rps,
        // The mock's busiest side: its CPU time over wall time, as a share of one core.
        mockCpuPct: Math.max(d.mockCpu / d.wall, c.mockCpu / c.wall) * 100,
        daemonCpuMsPerRequest: c.daemonCpu / c.done,
        conduitP50: percentile(c.lat, 50),
        conduitP99: percentile(c.lat, 99),
      });
    }
  }
  return out;
}

// 8a. Memory: RSS idle, then after N requests with distinct cacheable prompts (the cache fills to
// its bound), sampled as it goes: RSS from /proc next to V8's heap and external memory, so a
// growing gap between them (native memory: malloc arenas, sqlite, buffers) shows.
async function memory(
  mock: Mock,
  client: DaemonClient,
  daemonPid: number,
  startMs: number,
  idleRss: number,
): Promise<MemoryResult> {
  const requests = quick ? 2000 : 10_000;
  const every = requests / 10;
  await mock.control('/__fake/default', {
    provider: 'openai',
    script: { text: textOfSize(1400), chunks: 1, headers: roomyLimitHeaders },
  });
  const series: MemorySample[] = [await memorySample(client, daemonPid, 0)];
  let next = 0;
  let sampling: Promise<void> = Promise.resolve();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < requests) {
        const i = next++;
        await client.chat({
          provider: 'openai',
          model: 'gpt-bench',
          messages: [{ role: 'user', content: `memory ${i}: ${textOfSize(200)}` }],
          max_tokens: 64,
          temperature: 0,
          stream: false,
        });
        if ((i + 1) % every === 0)
          sampling = sampling.then(async () => {
            series.push(await memorySample(client, daemonPid, i + 1));
          });
      }
    }),
  );
  await sampling;
  const st = await client.status(true);
  const cache = await client.connection.sendRequest(CacheStatsRequest.type, {}).catch(() => null);
  return {
    daemonStartMs: startMs,
    idleRss,
    afterRss: rssOf(daemonPid) || st.memory.rss,
    requests,
    cache,
    heapUsedAfter: st.memory.heapUsed,
    series,
    mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? null,
  };
}

async function memorySample(client: DaemonClient, pid: number, requests: number): Promise<MemorySample> {
  // Not settled by a GC: what the process holds as it runs is the figure that matters.
  const { memory: m } = await client.status(false);
  return {
    requests,
    rss: rssOf(pid) || m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal ?? NaN,
    external: m.external ?? NaN,
    arrayBuffers: m.arrayBuffers ?? NaN,
  };
}

// 8b. The CLI's cold start (a new node process) to the request reaching the mock, daemon running.
async function cliColdStart(mock: Mock, env: NodeJS.ProcessEnv): Promise<{ toMockMs: Summary; toExitMs: Summary }> {
  const runs = quick ? 3 : 10;
  const toMock: number[] = [];
  const toExit: number[] = [];
  await mock.control('/__fake/default', {
    provider: 'openai',
    script: { text: 'ok', chunks: 1, headers: roomyLimitHeaders },
  });
  for (let i = 0; i < runs; i++) {
    const { requests } = await mock.command<{ requests: number }>({ cmd: 'count' });
    const arrived = mock.command<{ at: number }>({ cmd: 'waitFor', n: requests + 1 });
    const t0 = Date.now();
    const p0 = performance.now();
    const r = spawnSync(
      process.execPath,
      [
        path.join(repo, 'bin', 'conduit.js'),
        'ask',
        '--provider',
        'openai',
        '--model',
        'gpt-bench',
        '--no-stream',
        `cold start ${i}`,
      ],
      { env, encoding: 'utf8' },
    );
    toExit.push(performance.now() - p0);
    if (r.status !== 0) throw new Error(`conduit ask failed: ${r.stderr}`);
    toMock.push((await arrived).at - t0);
  }
  return { toMockMs: summarize(toMock), toExitMs: summarize(toExit) };
}

// 8c. The extension's activation: require + activate() with a stub vscode (see extActivation.ts).
function extensionActivation(): { requireMs: Summary; activateMs: Summary; error?: string } {
  const req: number[] = [];
  const act: number[] = [];
  let error: string | undefined;
  for (let i = 0; i < (quick ? 3 : 10); i++) {
    const r = spawnSync(process.execPath, [path.join(buildDir, 'extActivation.js')], { encoding: 'utf8' });
    const last = r.stdout.trim().split('\n').pop() ?? '{}';
    const j = JSON.parse(last) as { requireMs: number; activateMs: number; error?: string };
    req.push(j.requireMs);
    act.push(j.activateMs);
    error ??= j.error;
  }
  return { requireMs: summarize(req), activateMs: summarize(act), ...(error ? { error } : {}) };
}

// 6. How closely an RPM limit is used: the fake enforces a sliding window, the daemon is
// configured with the same limit per minute; time is scaled (60 per 6 s stands in for 600 RPM).
async function limitUse(mock: Mock): Promise<LimitResult> {
  const windowMs = quick ? 2000 : 6000;
  const perWindow = quick ? 20 : 60;
  const requests = quick ? 60 : 180;
  const rpm = (perWindow * 60_000) / windowMs;
  await mock.control('/__fake/default', { provider: 'openai', script: { text: 'ok', chunks: 1 } });
  await mock.command({ cmd: 'enforce', provider: 'openai', limits: { requests: { limit: perWindow, windowMs } } });
  const d = await startDaemon(mock, {
    rateLimit: { enabled: true, tier: 'custom', overrides: { openai: { rpm, tpm: 1_000_000_000, burst: 1 } } },
  });
  let next = 0;
  let answered = 0;
  let failed = 0;
  const t0 = performance.now();
  try {
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < requests) {
          next++;
          try {
            await d.client.chat({
              provider: 'openai',
              model: 'gpt-bench',
              messages: [{ role: 'user', content: 'limited' }],
              max_tokens: 16,
              stream: false,
            });
            answered++;
          } catch {
            failed++;
          }
        }
      }),
    );
  } finally {
    await d.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  const { accepted, rejected } = await mock.command<{ accepted: number[]; rejected: number[] }>({ cmd: 'enforced' });
  await mock.command({ cmd: 'enforce', provider: 'openai', limits: null });
  const sorted = [...accepted].sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j]! < sorted[i]! + windowMs) j++;
    busiest = Math.max(busiest, j - i);
  }
  // Steady-state rate: the first window's burst is excluded (it is allowed by both sides).
  const steady = sorted.filter((t) => t >= sorted[0]! + windowMs);
  const rate = steady.length > 1 ? (steady.length - 1) / ((steady[steady.length - 1]! - steady[0]!) / 1000) : NaN;
  return {
    rpm,
    windowMs,
    perWindow,
    requests,
    answered,
    failed,
    upstream429: rejected.length,
    achievedPct: (rate / (perWindow / (windowMs / 1000))) * 100,
    busiestWindow: busiest,
    seconds,
  };
}

// 2. The peer gateway, in a network namespace of its own when possible.
function peer(): PeerResult {
  const script = path.join(buildDir, 'peerBench.js');
  const args = quick ? ['--quick'] : [];
  const inNs = spawnSync(
    'unshare',
    ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, script, ...args],
    { encoding: 'utf8' },
  );
  const parse = (out: string): PeerResult | undefined => {
    try {
      return JSON.parse(out.trim().split('\n').pop() ?? '') as PeerResult;
    } catch {
      return undefined;
    }
  };
  const r = inNs.status === 0 ? parse(inNs.stdout) : undefined;
  if (r) return { ...r, isolation: 'own network namespace (unshare -n, loopback only)' };
  log(
    `(no network namespace: ${(inNs.stderr || String(inNs.error ?? '')).trim().split('\n')[0]}; Portkey runs on the host for the length of the run only)`,
  );
  const host = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  return {
    ...(parse(host.stdout) ?? { ok: false, skipped: `peer benchmark printed nothing: ${host.stderr.slice(-300)}` }),
    isolation: 'host (Portkey listened on all interfaces during the run only)',
  };
}

async function main(): Promise<void> {
  const only = process.argv.includes('--scenario')
    ? process.argv[process.argv.indexOf('--scenario') + 1]!.split(',')
    : undefined;
  const want = (s: string) => !only || only.includes(s);
  const t0 = performance.now();
  const mock = await startFake(buildDir);
  const d = await startDaemon(mock);
  const daemonPid = d.client.hello.pid;
  await new Promise((r) => setTimeout(r, 300));
  const idleRss = rssOf(daemonPid) || (await d.client.status(true)).memory.rss;
  const sdk = new OpenAI({ apiKey: d.env.OPENAI_API_KEY!, baseURL: `${mock.url}/v1`, maxRetries: 0 });
  const rows: Row[] = [];
  const result: Record<string, unknown> = {
    when: new Date().toISOString(),
    node: process.version,
    quick,
    cpus: (await import('node:os')).cpus().map((c) => c.model)[0],
    cores: (await import('node:os')).cpus().length,
  };
  try {
    if (want('1')) {
      log('1. overhead…');
      const before = beforeScript ? await startDaemon(mock, undefined, beforeScript) : undefined;
      try {
        rows.push(...(await overhead(mock, d.client, sdk, before?.client)));
      } finally {
        await before?.dispose();
      }
    }
    if (want('1')) {
      log('   breakdown…');
      result.breakdown = await breakdown(quick);
    }
    if (want('4')) {
      log('4. streaming…');
      const s = await streaming(mock, d.client, sdk);
      rows.push(...s.rows);
      result.streamsLostOrMerged = s.lost;
      result.streams = s.streams;
    }
    if (want('7')) {
      log('7. IPC…');
      rows.push(...(await ipc(d.client)));
    }
    if (want('3')) {
      log('3. throughput…');
      result.throughput = await throughput(mock, d.client, daemonPid, sdk);
    }
    if (want('8')) {
      log('8. memory and start-up…');
      result.memory = await memory(mock, d.client, daemonPid, d.startMs, idleRss);
      result.cliColdStart = await cliColdStart(mock, d.env);
      result.extension = extensionActivation();
    }
  } finally {
    await d.dispose();
  }
  try {
    if (want('6')) {
      log('6. rate limit use…');
      result.limitUse = await limitUse(mock);
    }
  } finally {
    mock.stop();
  }
  if (want('2')) {
    log('2. peer gateway (Portkey)…');
    result.peer = peer();
  }
  result.rows = rows;
  result.seconds = (performance.now() - t0) / 1000;
  print(result, rows, quick);
  const resultsDir = path.join(repo, 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`\nwrote ${path.relative(repo, file)} (${(result.seconds as number).toFixed(0)} s)`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
