/**
 * The benchmark suite (issues #11 and #23): every figure is measured in this one run against a
 * loopback mock upstream (the fake provider, in its own process), side by side with its
 * baseline, requests interleaved one by one in a rotated order (interleave.ts). No benchmark is
 * a pass/fail test: goals are printed next to the numbers, each table with the load average,
 * Node version and date it was measured at, and the run is kept in bench/results/.
 *   1 overhead (overheadBench.ts)       2 added latency against Portkey, quiet and loaded, and
 *   3 throughput (throughputBench.ts)     streaming (peerBench.ts, comparison.ts)
 *   6 rate limit use (limitUseBench.ts) 7 IPC round trip (ipcBench.ts)
 *   8 memory and start-up (memoryBench.ts, startupBench.ts)
 *   (5 cache and the limiter's own cost are cacheBench.ts and limiterBench.ts)
 * `--quick` runs a shorter version of each; `--scenario 1,2` runs some of them.
 */
import * as path from 'node:path';
import { breakdown } from './breakdown';
import { startDaemon } from './conduitSides';
import { directSdk } from './directBaseline';
import { keepResult } from './history';
import { ipc } from './ipcBench';
import { limitUse } from './limitUseBench';
import { machineDescription, measuredAt } from './machine';
import { memory } from './memoryBench';
import { overhead } from './overheadBench';
import { peer } from './peer';
import { rssOf, startFake } from './processes';
import { print, type Row } from './report';
import { cliColdStart, extensionActivation } from './startupBench';
import { throughput } from './throughputBench';

const quick = process.argv.includes('--quick');
const buildDir = __dirname;
const repo = path.resolve(buildDir, '..', '..');
// BENCH_DAEMON_SCRIPT: run another build of the daemon. BENCH_BEFORE_DAEMON: a second, earlier
// build that scenarios 1 and 2 measure in the same run, interleaved with this one (before/after).
const daemonScript = process.env.BENCH_DAEMON_SCRIPT ?? path.join(repo, 'dist', 'daemon.js');
const beforeScript = process.env.BENCH_BEFORE_DAEMON;

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

async function main(): Promise<void> {
  const only = process.argv.includes('--scenario')
    ? process.argv[process.argv.indexOf('--scenario') + 1]!.split(',')
    : undefined;
  const want = (s: string) => !only || only.includes(s);
  const t0 = performance.now();
  const result: Record<string, unknown> = { quick, started: measuredAt(), machine: machineDescription() };
  const rows: Row[] = [];
  const mock = await startFake(buildDir);
  try {
    const d = await startDaemon(mock.url, daemonScript);
    const daemonPid = d.client.hello.pid;
    await new Promise((r) => setTimeout(r, 300));
    const idleRss = rssOf(daemonPid) || (await d.client.status(true)).memory.rss;
    const sdk = directSdk(mock.url, d.env.OPENAI_API_KEY!);
    try {
      if (want('1')) {
        log('1. overhead…');
        const before = beforeScript ? await startDaemon(mock.url, beforeScript) : undefined;
        try {
          const name = path.basename(beforeScript ?? '');
          rows.push(...(await overhead(mock, d.client, sdk, quick, before && { client: before.client, name })));
        } finally {
          await before?.dispose();
        }
        log('   breakdown…');
        result.breakdown = { rows: await breakdown(quick), at: measuredAt() };
      }
      if (want('7')) {
        log('7. IPC…');
        rows.push(...(await ipc(d.client, buildDir, quick)));
      }
      if (want('3')) {
        log('3. throughput…');
        result.throughput = { rows: await throughput(mock, d.client, daemonPid, sdk, quick), at: measuredAt() };
      }
      if (want('8')) {
        log('8. memory and start-up…');
        result.memory = await memory(mock, d.client, daemonPid, d.startMs, idleRss, quick);
        result.cliColdStart = await cliColdStart(mock, d.env, repo, quick);
        result.extension = extensionActivation(buildDir, quick);
        result.memoryAt = measuredAt();
      }
    } finally {
      await d.dispose();
    }
    if (want('6')) {
      log('6. rate limit use…');
      result.limitUse = { ...(await limitUse(mock, daemonScript, quick)), at: measuredAt() };
    }
  } finally {
    mock.stop();
  }
  if (want('2')) {
    log('2. added latency against Portkey, quiet then loaded, and streaming…');
    result.peer = peer(buildDir, quick);
  }
  result.rows = rows;
  result.seconds = (performance.now() - t0) / 1000;
  print(result, rows, quick);
  const file = keepResult(repo, quick ? 'suite-quick' : 'suite', result);
  console.log(`\nwrote ${path.relative(repo, file)} (${(result.seconds as number).toFixed(0)} s)`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
