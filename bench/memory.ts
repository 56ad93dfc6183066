/**
 * Memory (issue #23): the daemon's RSS idle, its heap after a forced GC over N uncached requests
 * against the mock (the fake provider from test/fakes), its peak RSS under load, and its RSS
 * while idle again afterwards.
 *   node bench/run.mjs --only memory [--requests N] [--warmup W] [--concurrency C] [--settle-s S]
 *                                    [--idle-s I] [--no-cache] [--portkey] [--quick] [--log-debug]
 * Every prompt is new, so none is answered from the cache; the warm-up (by default more requests
 * than the cache and the live window hold) fills them to their bounds first, so what grows
 * afterwards is not a bounded structure doing its job. The daemon runs with --expose-gc so `daemon/status` can settle the heap.
 * Idle RSS is taken twice: 2 s after start, and `--idle-s` (30) s after it, past the idle trim's
 * quiet spell (daemon/compose/idleTrim.ts, 20 s), so both builds are measured at the same times.
 * `--portkey` then runs Portkey's gateway (bench/portkeyPeer.ts) under the warm-up's load, same
 * concurrency, same mock, and prints its peak RSS beside ours over the warm-up.
 * BENCH_SMAPS=1 (Linux) keeps, at the end of the settle, what the daemon's RSS is made of (bench/smapsDump.ts:
 * glibc's arenas, V8's and other anonymous pages, files) and its heap figures, to tell the runs apart.
 * BENCH_DAEMON_SCRIPT=path runs another build of the daemon; BENCH_DAEMON_NODE_OPTIONS adds
 * Node flags to its start (e.g. --max-semi-space-size=1).
 * The daemon is spawned as users get it (daemon/client/daemonRuntime.ts: a bounded young generation,
 * glibc malloc settings on Linux). Without them, the defaults of Node 20 and glibc on 2 cores:
 *   MALLOC_ARENA_MAX=16 BENCH_DAEMON_NODE_OPTIONS=--max-semi-space-size=16 node bench/run.mjs --only memory
 * Each step also prints, before its GC, what V8 holds (heap total, external) beside RSS: the rest is
 * native memory (malloc, thread stacks) and code.
 * Each step takes the heap after GC twice: at once when the step's last reply is in (as every earlier
 * run did), and again once the ledger holds every row answered (a usage question waits for that):
 * the rows still on their way from the journal into SQLite at the first figure, up to a few hundred
 * when the SQLite thread is a batch behind, are in flight, not kept (docs/performance.md, fifth pass).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DaemonClient } from '../daemon/client/daemonClient';
import { UsageQueryRequest } from '../protocol';
import { keepResult } from './history';
import { startPortkey } from './portkeyPeer';
import { benchConfig, benchHome, daemonEnv, roomyLimitHeaders, rssOf, startFake, textOfSize } from './processes';
import { smapsSummary } from './smapsDump';

const buildDir = __dirname;
const repo = path.resolve(buildDir, '..', '..');
const argValue = (name: string): number | undefined =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : undefined;
const quick = process.argv.includes('--quick');
const requests = argValue('--requests') ?? (quick ? 5_000 : 50_000);
// Past every per-request bound: the cache (5,000 entries) and the ledger's live window (10,000 rows,
// liveWindow.ts), which fill by count during the warm-up and then stop growing.
const warmup = argValue('--warmup') ?? (quick ? 2_000 : 11_000);
const concurrency = argValue('--concurrency') ?? 16;
const settleS = argValue('--settle-s') ?? (quick ? 20 : 120);
const idleS = argValue('--idle-s') ?? 30;
const withPortkey = process.argv.includes('--portkey');
const noCache = process.argv.includes('--no-cache');
// The daemon at log level debug, and its background work (log lines other than requests: trims, the
// SQLite thread waking, alerts) kept with their times beside the heap samples' (`background` in the
// result file); off by default, since debug lines are more work than a run to compare should carry.
const logDebug = process.argv.includes('--log-debug');
const daemonScript = process.env.BENCH_DAEMON_SCRIPT ?? path.join(repo, 'dist', 'daemon.js');

const MB = 1024 * 1024;
const mb = (n: number): string => `${(n / MB).toFixed(1)} MB`;
const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let seq = 0;

/** `count` requests, each with a prompt never sent before, `concurrency` at a time. */
async function load(client: DaemonClient, count: number): Promise<void> {
  await loadWith(count, (content) =>
    client.chat({
      provider: 'openai',
      model: 'gpt-bench',
      messages: [{ role: 'user', content }],
      max_tokens: 64,
      temperature: 0,
      stream: false,
    }),
  );
}

async function loadWith(count: number, send: (content: string) => Promise<unknown>): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left > 0) {
        left--;
        await send(`memory ${seq++}: ${textOfSize(200)}`);
      }
    }),
  );
}

/** The peak RSS of `pid` while `work` runs, sampled every 100 ms. */
async function peakDuring(pid: number, work: () => Promise<void>): Promise<number> {
  let peak = rssOf(pid) || 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssOf(pid) || 0);
  }, 100);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, rssOf(pid) || 0);
}

/** Portkey under the warm-up's load: its RSS idle and its peak, or why it could not run. */
async function portkeyPeak(
  mockUrl: string,
  apiKey: string,
): Promise<{ idleRss: number; peakRss: number; failed: number } | { skipped: string }> {
  const portkey = await startPortkey(repo, mockUrl, apiKey);
  if (typeof portkey === 'string') return { skipped: portkey };
  try {
    const pid = portkey.pid!;
    await sleep(2000);
    const idleRss = rssOf(pid);
    // A request Portkey drops (a reset under load) is counted, not fatal: the run's own figures are already taken.
    let failed = 0;
    const peakRss = await peakDuring(pid, () =>
      loadWith(warmup, (content) =>
        portkey.sdk.chat.completions
          .create({
            model: 'gpt-bench',
            messages: [{ role: 'user', content }],
            max_tokens: 64,
            temperature: 0,
          })
          .catch(() => {
            failed++;
          }),
      ),
    );
    return { idleRss, peakRss, failed };
  } finally {
    portkey.stop();
  }
}

/** The heap in use after a full GC, twice over so weak references and finalizers have settled. */
async function heapAfterGc(client: DaemonClient): Promise<number> {
  await client.status(true);
  return (await client.status(true)).memory.heapUsed;
}

/**
 * The heap after GC once every row answered so far is in SQLite: a usage question waits for the
 * journal's rows to be inserted (ledger.settled()) before it reads, in every build since the journal.
 */
async function heapSettled(client: DaemonClient): Promise<number> {
  await client.connection.sendRequest(UsageQueryRequest.type, { since: Date.now() - 60_000 });
  return heapAfterGc(client);
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

/** The daemon's log lines other than requests' (background work: maintenance, trims, alerts): time and message. */
function backgroundLines(home: string): Array<{ t: string; msg: string }> {
  const out: Array<{ t: string; msg: string }> = [];
  for (const name of ['daemon.log.3', 'daemon.log.2', 'daemon.log.1', 'daemon.log']) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(home, 'logs', name), 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      // Every request's own lines (its record, its rate-limit release at debug) are not background work.
      if (!line || line.includes('"msg":"request"') || line.includes('"msg":"rate limit released"')) continue;
      try {
        const { t, msg } = JSON.parse(line) as { t: string; msg: string };
        out.push({ t, msg });
      } catch {
        // A line cut by rotation.
      }
    }
  }
  return out;
}

/** The fields of the daemon's last `idle trim: memory` log line (compaction, V8's spaces), if any. */
function lastTrimLine(home: string): Record<string, unknown> | undefined {
  try {
    const lines = fs.readFileSync(path.join(home, 'logs', 'daemon.log'), 'utf8').split('\n');
    const line = lines.filter((l) => l.includes('"idle trim: memory"')).at(-1);
    if (!line) return undefined;
    const { compacted, oldSpaceMb, spacesMb, rssMb, t } = JSON.parse(line) as Record<string, unknown>;
    return { t, compacted, oldSpaceMb, spacesMb, rssMb };
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const mock = await startFake(buildDir);
  await mock.control('/__fake/default', {
    provider: 'openai',
    script: { text: textOfSize(1400), chunks: 1, headers: roomyLimitHeaders },
  });
  const home = benchHome();
  benchConfig(home, { ...(noCache ? { cache: { enabled: false } } : {}), ...(logDebug ? { logLevel: 'debug' } : {}) });
  const env: NodeJS.ProcessEnv = {
    ...daemonEnv(home, mock.url),
    CONDUIT_AUTO_FALLBACK: '0',
    NODE_OPTIONS: `--expose-gc ${process.env.BENCH_DAEMON_NODE_OPTIONS ?? ''}`.trim(),
  };
  const loadBefore = os.loadavg()[0]!;
  const client = await DaemonClient.connect({ client: 'cli', home, autoStart: true, spawn: { daemonScript, env } });
  const pid = client.hello.pid;
  log(`daemon home (its log: logs/daemon.log): ${home}`);
  const result: Record<string, unknown> = {
    when: new Date().toISOString(),
    node: process.version,
    cores: os.cpus().length,
    daemonScript: path.relative(repo, daemonScript),
    requests,
    warmup,
    concurrency,
    cache: !noCache,
  };
  try {
    // Start-up work (cache restore, ledger checks) finishes within the first second or two.
    await sleep(2000);
    const idle = (await client.status(true)).memory;
    const idleRss = rssOf(pid) || idle.rss;
    result.idle = { rss: idleRss, heapUsed: idle.heapUsed, heapTotal: idle.heapTotal, external: idle.external };
    log(`idle: RSS ${mb(idleRss)}, heap ${mb(idle.heapUsed)}; idle for ${idleS} s…`);
    await sleep((idleS - 2) * 1000);
    const idleLaterRss = rssOf(pid);
    result.idleLater = { s: idleS, rss: idleLaterRss };
    log(`idle ${idleS} s after start: RSS ${mb(idleLaterRss)}; warm-up ${warmup} requests…`);

    let peakRss = idleRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssOf(pid) || 0);
    }, 100);
    await load(client, warmup);
    const warmupPeakRss = Math.max(peakRss, rssOf(pid) || 0);
    // The usage question's own code is compiled here, before either series starts.
    await heapSettled(client);
    const xs = [0];
    const heaps = [await heapAfterGc(client)];
    const settledHeaps = [await heapSettled(client)];
    // When each heap figure was taken, to set against the daemon's background work in its log.
    const heapTimes = [new Date().toISOString()];
    const steps = 10;
    const underLoad: Array<{ requests: number; rss: number; heapTotal: number; external: number }> = [];
    for (let s = 1; s <= steps; s++) {
      await load(client, Math.round(requests / steps));
      xs.push(Math.round((requests * s) / steps));
      const m = (await client.status(false)).memory;
      underLoad.push({
        requests: xs.at(-1)!,
        rss: rssOf(pid),
        heapTotal: m.heapTotal ?? NaN,
        external: m.external ?? NaN,
      });
      heaps.push(await heapAfterGc(client));
      heapTimes.push(new Date().toISOString());
      settledHeaps.push(await heapSettled(client));
      log(
        `${xs.at(-1)} requests: heap after GC ${mb(heaps.at(-1)!)} (${mb(settledHeaps.at(-1)!)} once the ledger ` +
          `holds every row), RSS ${mb(rssOf(pid))} ` +
          `(before the GC: V8 heap ${mb(m.heapTotal ?? NaN)}, external ${mb(m.external ?? NaN)})`,
      );
    }
    result.underLoad = underLoad;
    clearInterval(sampler);
    const afterLoad = rssOf(pid);
    const settle: Array<{ s: number; rss: number }> = [{ s: 0, rss: afterLoad }];
    for (let s = 10; s <= settleS; s += 10) {
      await sleep(10_000);
      settle.push({ s, rss: rssOf(pid) });
    }
    const settled = settle.at(-1)!.rss;
    if (process.env.BENCH_SMAPS === '1') {
      const smaps = smapsSummary(pid);
      const heap = (await client.status(false)).memory;
      result.atEnd = { smaps, heap };
      if (smaps)
        log(
          `at the end: main arena ${mb(smaps.mainArena)}, other arenas ${mb(smaps.otherArenas.reduce((n, a) => n + a.rss, 0))}, ` +
            `other anonymous ${mb(smaps.otherAnon)}, files ${mb(smaps.fileBacked)}; malloc: ${JSON.stringify(smaps.mallocInfo)}; ` +
            `V8 heap ${mb(heap.heapTotal ?? NaN)}`,
        );
    }
    // What the idle trim did after the load, from the daemon's own log (its last trim line).
    const trimAfterLoad = lastTrimLine(home);
    result.trimAfterLoad = trimAfterLoad;
    if (logDebug) result.background = backgroundLines(home);
    if (trimAfterLoad) log(`idle trim after the load: ${JSON.stringify(trimAfterLoad)}`);
    const portkey = withPortkey ? await portkeyPeak(mock.url, env.OPENAI_API_KEY!) : undefined;
    if (portkey) result.portkey = portkey;
    const portkeyLine =
      portkey === undefined
        ? []
        : 'skipped' in portkey
          ? [`| Portkey | skipped: ${portkey.skipped} | |`]
          : [
              `| peak RSS over the ${warmup} warm-up requests: Conduit / Portkey | ` +
                `${mb(warmupPeakRss)} / ${mb(portkey.peakRss)} ` +
                `(${(warmupPeakRss / portkey.peakRss).toFixed(2)}×) | ≤ 0.5× |`,
              `| Portkey idle RSS | ${mb(portkey.idleRss)} | |`,
              `| Portkey requests that failed | ${portkey.failed} of ${warmup} | |`,
            ];
    const growth = heaps.at(-1)! - heaps[0]!;
    const perThousand = slope(xs, heaps) * 1000;
    const settledGrowth = settledHeaps.at(-1)! - settledHeaps[0]!;
    const settledPerThousand = slope(xs, settledHeaps) * 1000;
    Object.assign(result, {
      heaps: xs.map((x, i) => ({ requests: x, heapUsed: heaps[i], t: heapTimes[i], settled: settledHeaps[i] })),
      peakRss,
      warmupPeakRss,
      settle,
    });
    const lines = [
      `Memory: ${requests} uncached requests after ${warmup} of warm-up, concurrency ${concurrency}, cache ${noCache ? 'off' : 'on'}; Node ${process.version}, ${os.cpus().length} cores, load ${loadBefore.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)}`,
      '',
      '| figure | value | goal |',
      '| --- | --- | --- |',
      `| idle RSS (no local model), 2 s after start | ${mb(idleRss)} | ≤ 60 MB |`,
      `| idle RSS, ${idleS} s after start | ${mb(idleLaterRss)} | ≤ 60 MB |`,
      `| heap after GC: growth over ${requests} requests | ${mb(growth)} | < 1 MB |`,
      `| heap after GC: growth per 1,000 requests (slope) | ${(perThousand / 1024).toFixed(1)} kB | |`,
      `| the same once the ledger holds every row: growth | ${mb(settledGrowth)} | < 1 MB |`,
      `| the same once the ledger holds every row: slope | ${(settledPerThousand / 1024).toFixed(1)} kB | |`,
      `| peak RSS under load | ${mb(peakRss)} | |`,
      `| RSS when load ends | ${mb(afterLoad)} | |`,
      `| RSS ${settleS} s after load | ${mb(settled)} (${(settled / idleRss).toFixed(2)}× idle) | ≤ 1.3× idle |`,
      ...portkeyLine,
    ];
    console.log(lines.join('\n'));
  } finally {
    await client.stop().catch(() => undefined);
    client.close();
    mock.stop();
  }
  const file = keepResult(repo, 'memory', result);
  console.log(`\nwrote ${path.relative(repo, file)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
