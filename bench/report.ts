import type { CacheStatsResult } from '../protocol';
import type { BreakdownRow } from './breakdown';
import type { ComparisonResult } from './comparison';
import { describeMeasuredAt, type MeasuredAt } from './machine';
import type { PeerResult } from './peerBench';
import { fmt, type Summary } from './stats';

/** The suite's results, and the tables it prints from them. */
const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;

export interface Row {
  scenario: string;
  baseline: Summary;
  conduit: Summary;
  addedP50: number;
  addedP99: number;
  goal?: string;
  /** The daemon's CPU time per request (scenario 1). */
  daemonCpuUsPerRequest?: number;
  /** The bench process's own CPU per request for this side's client (DaemonClient), µs. */
  clientCpuUsPerRequest?: number;
  /** The same for the direct side's SDK call (its client and fetch), µs. */
  baselineClientCpuUsPerRequest?: number;
  at: MeasuredAt;
}

export interface ThroughputRow {
  mockDelayMs: number;
  concurrency: number;
  directRps: number;
  conduitRps: number;
  ratio: number;
  mockCpuPct: number;
  daemonCpuMsPerRequest: number;
  conduitP50: number;
  conduitP99: number;
}

export interface MemorySample {
  requests: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface MemoryResult {
  daemonStartMs: number;
  idleRss: number;
  afterRss: number;
  requests: number;
  cache: CacheStatsResult | null;
  heapUsedAfter: number;
  series: MemorySample[];
  mallocArenaMax: string | null;
}

export interface LimitResult {
  rpm: number;
  windowMs: number;
  perWindow: number;
  requests: number;
  answered: number;
  failed: number;
  upstream429: number;
  achievedPct: number;
  busiestWindow: number;
  seconds: number;
}

export function print(r: Record<string, unknown>, rows: Row[], quick: boolean): void {
  console.log(
    `\nConduit against its baselines, measured side by side in one run (mock upstream on loopback; ${quick ? 'quick' : 'full'} run; ${JSON.stringify(r.machine)})\n`,
  );
  if (rows.length) {
    console.log(
      '| scenario | baseline p50 | baseline p99 | conduit p50 | conduit p99 | added p50 | added p99 | p50 ratio | measured at |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const x of rows)
      console.log(
        `| ${x.scenario} | ${fmt(x.baseline.p50)} | ${fmt(x.baseline.p99)} | ${fmt(x.conduit.p50)} | ${fmt(x.conduit.p99)} | ${fmt(x.addedP50)} | ${fmt(x.addedP99)} | ${(x.conduit.p50 / x.baseline.p50).toFixed(2)}× | ${describeMeasuredAt(x.at)} |`,
      );
    const cpu = rows.filter((x) => x.daemonCpuUsPerRequest !== undefined);
    if (cpu.length)
      console.log(
        `\ndaemon CPU time per request (/proc, 10 ms ticks): ${cpu.map((x) => `${x.scenario.replace(/^1\. non-streaming /, '')}: ${x.daemonCpuUsPerRequest!.toFixed(0)} µs`).join('; ')}`,
      );
    const client = rows.filter((x) => x.clientCpuUsPerRequest !== undefined);
    if (client.length)
      console.log(
        `client CPU time per request in the bench process (process.cpuUsage): ${client.map((x) => `${x.scenario.replace(/^1\. non-streaming /, '')}: ${x.clientCpuUsPerRequest!.toFixed(0)} µs${x.baselineClientCpuUsPerRequest !== undefined ? ` (the direct SDK call's: ${x.baselineClientCpuUsPerRequest.toFixed(0)} µs)` : ''}`).join('; ')}`,
      );
  }
  const b = (r.breakdown as { rows: BreakdownRow[] } | undefined)?.rows;
  if (b) {
    console.log("\nPieces of the daemon's reply path, timed alone in-process");
    console.log('| step | p50 | p99 |');
    console.log('| --- | --- | --- |');
    for (const x of b) console.log(`| ${x.step} | ${x.p50us} µs | ${x.p99us} µs |`);
    console.log(describeMeasuredAt((r.breakdown as { at: MeasuredAt }).at));
  }
  const p = r.peer as PeerResult | undefined;
  if (p) printPeer(p);
  const tp = r.throughput as { rows: ThroughputRow[]; at: MeasuredAt } | undefined;
  const t = tp?.rows;
  if (t) {
    console.log('\n3. Throughput (closed loop, 1.4 KB answers)');
    console.log(
      '| mock delay | concurrency | direct RPS | conduit RPS | ratio | conduit p50 | conduit p99 | daemon CPU / request | mock CPU (of one core) |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const x of t)
      console.log(
        `| ${x.mockDelayMs} ms | ${x.concurrency} | ${x.directRps.toFixed(0)} | ${x.conduitRps.toFixed(0)} | ${x.ratio.toFixed(2)} | ${fmt(x.conduitP50)} | ${fmt(x.conduitP99)} | ${x.daemonCpuMsPerRequest.toFixed(3)} ms | ${x.mockCpuPct.toFixed(0)}% |`,
      );
    console.log(describeMeasuredAt(tp.at));
  }
  const l = r.limitUse as (LimitResult & { at: MeasuredAt }) | undefined;
  if (l) {
    console.log(
      `\n6. Rate limit use: the fake enforces ${l.perWindow} requests per ${l.windowMs / 1000} s (= RPM ${l.rpm}, time scaled), the daemon is set to RPM ${l.rpm}; ${l.requests} requests from 16 concurrent callers`,
    );
    console.log(
      `achieved ${l.achievedPct.toFixed(1)}% of the limit after the first window; upstream 429s ${l.upstream429}; busiest window ${l.busiestWindow}/${l.perWindow}; answered ${l.answered}, failed ${l.failed}; ${l.seconds.toFixed(1)} s`,
    );
    console.log(describeMeasuredAt(l.at));
  }
  const m = r.memory as MemoryResult | undefined;
  if (m) {
    console.log('\n8. Memory and start-up');
    console.log(`daemon start (spawn → accepting → hello answered): ${fmt(m.daemonStartMs)}`);
    console.log(
      `daemon RSS idle ${mb(m.idleRss)}; after ${m.requests.toLocaleString('en-US')} more requests (distinct cacheable prompts, 16 at a time) ${mb(m.afterRss)}, heap used ${mb(m.heapUsedAfter)}; cache ${m.cache ? `${m.cache.entries} entries, ${mb(m.cache.bytes)}` : 'n/a'}`,
    );
    console.log(
      `RSS over time (MALLOC_ARENA_MAX ${m.mallocArenaMax ?? 'unset'}): rss − heapTotal − external is native memory V8 does not know about`,
    );
    console.log(
      '| requests | rss | heap used | heap total | external | of which array buffers | rss − heap total − external |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    for (const x of m.series)
      console.log(
        `| ${x.requests.toLocaleString('en-US')} | ${mb(x.rss)} | ${mb(x.heapUsed)} | ${mb(x.heapTotal)} | ${mb(x.external)} | ${mb(x.arrayBuffers)} | ${mb(x.rss - x.heapTotal - x.external)} |`,
      );
    const c = r.cliColdStart as { toMockMs: Summary; toExitMs: Summary };
    console.log(
      `CLI cold start (\`conduit ask\`, new node process, daemon running) → request at the mock: p50 ${fmt(c.toMockMs.p50)} (max ${fmt(c.toMockMs.p99)}); → process exit: p50 ${fmt(c.toExitMs.p50)}`,
    );
    const e = r.extension as { requireMs: Summary; activateMs: Summary; error?: string };
    console.log(
      `extension activation (require dist/extension.js + activate() with a stub vscode module, new process): require p50 ${fmt(e.requireMs.p50)}, activate() p50 ${fmt(e.activateMs.p50)}${e.error ? ` (activate threw under the stub: ${e.error})` : ''}`,
    );
    console.log(describeMeasuredAt(r.memoryAt as MeasuredAt));
  }
}

/** Scenario 2: each side's added latency, and Conduit's as a fraction of Portkey's, quiet and loaded. */
function printPeer(p: PeerResult): void {
  console.log('\n2. Added latency over a direct SDK call, non-streaming 1.4 KB, concurrency 1, one request at a time');
  if (!p.ok || !p.quiet) {
    console.log(`skipped: ${p.skipped ?? 'unknown reason'}`);
    return;
  }
  if (p.portkey) console.log(`portkey: ${p.portkey}`);
  printComparison('quiet (the machine as it is)', p.quiet);
  if (p.loaded) printComparison(`loaded (${p.loaded.hogs} busy-looping processes, one per core)`, p.loaded);
  console.log(p.isolation ?? '');
}

export function printComparison(title: string, c: ComparisonResult): void {
  const d = c.sides.direct!;
  console.log(`\n${title}: n=${c.n} per side; ${describeMeasuredAt(c.at)}`);
  console.log('| side | p50 | p99 | added p50 | added p99 |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, x] of Object.entries(c.sides))
    console.log(
      `| ${name} | ${fmt(x.p50)} | ${fmt(x.p99)} | ${name === 'direct' ? '' : fmt(x.p50 - d.p50)} | ${name === 'direct' ? '' : fmt(x.p99 - d.p99)} |`,
    );
  printRatios(c.sides);
  if (c.daemonCpuUs)
    console.log(
      `daemon CPU per request served (IPC and endpoint alike, /proc): ${Object.entries(c.daemonCpuUs)
        .map(([k, us]) => `${k} ${us.toFixed(0)} µs`)
        .join(', ')}`,
    );
  const cc = c.concurrent;
  const cd = cc.sides.direct!;
  console.log(`\nthe same, ${cc.concurrency} requests at a time through each side in turn (${cc.rounds} rounds)`);
  console.log('| side | p50 | p99 | added p50 | added p99 |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [name, x] of Object.entries(cc.sides))
    console.log(
      `| ${name} | ${fmt(x.p50)} | ${fmt(x.p99)} | ${name === 'direct' ? '' : fmt(x.p50 - cd.p50)} | ${name === 'direct' ? '' : fmt(x.p99 - cd.p99)} |`,
    );
  printRatios(cc.sides);
  const s = c.streaming;
  const sd = s.ttft.direct!;
  const sc = s.ttft['conduit ipc']!;
  console.log(
    `streaming (${s.streams} streams per side, ${s.chunksPerStream} chunks ${s.chunkDelayMs ?? 10} ms apart): time to first token direct p50 ${fmt(sd.p50)} p99 ${fmt(sd.p99)}, Conduit p50 ${fmt(sc.p50)} p99 ${fmt(sc.p99)}; added p50 ${fmt(sc.p50 - sd.p50)}, added p99 ${fmt(sc.p99 - sd.p99)} (goal ≤ 1 ms p99); gap between chunks added p50 ${fmt(s.gap['conduit ipc']!.p50 - s.gap.direct!.p50)}; streams with a chunk lost, merged or out of order: ${s.lostOrMerged} of ${s.streams}`,
  );
  const sb = s.ttft['conduit ipc (before)'];
  if (sb)
    console.log(
      `streaming, the earlier build (BENCH_BEFORE_DAEMON) in the same rotation: added time to first token p50 ${fmt(sb.p50 - sd.p50)}, p99 ${fmt(sb.p99 - sd.p99)}`,
    );
}

/** Each Conduit side's added latency as a fraction of Portkey's, from one table's figures. */
function printRatios(sides: Record<string, Summary>): void {
  const d = sides.direct!;
  const pk = sides.portkey;
  if (pk) {
    const added = (x: Summary) => ({ p50: x.p50 - d.p50, p99: x.p99 - d.p99 });
    const pa = added(pk);
    for (const name of ['conduit ipc', 'conduit endpoint', 'conduit ipc (before)', 'conduit endpoint (before)']) {
      const x = sides[name];
      if (!x) continue;
      const a = added(x);
      console.log(
        `${name}: added latency as a fraction of Portkey's: p50 ${(a.p50 / pa.p50).toFixed(2)}, p99 ${(a.p99 / pa.p99).toFixed(2)} (goal ≤ 0.50)`,
      );
    }
  }
}
