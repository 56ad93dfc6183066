/**
 * Scenario 2, added latency against the peer gateway (issue #23): direct SDK call, Conduit over
 * IPC, Conduit's local endpoint and Portkey, one request at a time in a rotated order
 * (comparison.ts), first on the machine as it is ("quiet"), then with a busy-looping process on
 * every core ("loaded", cpuHogs.ts). Portkey binds every interface, so suite.ts runs this file
 * inside a network namespace of its own (`unshare -n`, loopback only) when it can. All traffic
 * goes to 127.0.0.1. Prints one JSON line (the result) last.
 */
import * as path from 'node:path';
import {
  compare,
  compareStreams,
  streamScript,
  type ComparisonResult,
  type ComparisonSides,
  type DaemonCpu,
} from './comparison';
import { startDaemon, type BenchDaemon } from './conduitSides';
import { startCpuHogs } from './cpuHogs';
import { directSdk } from './directBaseline';
import { measuredAt } from './machine';
import { startPortkey, type PortkeyPeer } from './portkeyPeer';
import { cpuMsOf, roomyLimitHeaders, startFake, textOfSize } from './processes';

const quick = process.argv.includes('--quick');
const buildDir = __dirname;
const repo = path.resolve(buildDir, '..', '..');
const daemonScript = process.env.BENCH_DAEMON_SCRIPT ?? path.join(repo, 'dist', 'daemon.js');
const beforeScript = process.env.BENCH_BEFORE_DAEMON;

export interface PeerResult {
  ok: boolean;
  skipped?: string;
  isolation?: string;
  portkey?: string;
  quiet?: ComparisonResult;
  loaded?: ComparisonResult & { hogs: number };
}

async function main(): Promise<PeerResult> {
  const fake = await startFake(buildDir);
  const nonStreaming = {
    provider: 'openai',
    script: { text: textOfSize(1400), chunks: 1, headers: roomyLimitHeaders },
  };
  await fake.control('/__fake/default', nonStreaming);
  // Conduit's cache is off, so every Conduit request goes upstream, as every Portkey one does.
  const config = { cache: { enabled: false } };
  const daemons: BenchDaemon[] = [];
  let portkey: PortkeyPeer | string | undefined;
  try {
    const d = await startDaemon(fake.url, daemonScript, { config, endpoint: true });
    daemons.push(d);
    const before = beforeScript ? await startDaemon(fake.url, beforeScript, { config, endpoint: true }) : undefined;
    if (before) daemons.push(before);
    const apiKey = d.env.OPENAI_API_KEY!;
    portkey = await startPortkey(repo, fake.url, apiKey);
    const sides: ComparisonSides = {
      direct: directSdk(fake.url, apiKey),
      conduit: d.client,
      ...(d.endpoint ? { endpoint: d.endpoint } : {}),
      ...(typeof portkey === 'string' ? {} : { portkey: portkey.sdk }),
      ...(before ? { before: before.client } : {}),
      ...(before?.endpoint ? { beforeEndpoint: before.endpoint } : {}),
    };
    const cpu: Record<string, DaemonCpu> = {
      current: { cpuMs: () => cpuMsOf(d.client.hello.pid), sides: ['conduit ipc', 'conduit endpoint'] },
      ...(before
        ? {
            before: {
              cpuMs: () => cpuMsOf(before.client.hello.pid),
              sides: ['conduit ipc (before)', 'conduit endpoint (before)'],
            },
          }
        : {}),
    };
    const n = quick ? 200 : 1000;
    // Enough streams for a p99 that is not the worst one (200: the third worst), at about the run time
    // the 40 long streams took.
    const streams = quick ? 200 : 500;
    const run = async (): Promise<ComparisonResult> => {
      await fake.control('/__fake/default', nonStreaming);
      const r = await compare(sides, n, 8, cpu);
      await fake.control('/__fake/default', {
        provider: 'openai',
        script: { ...streamScript, headers: roomyLimitHeaders },
      });
      const streaming = await compareStreams(sides, streams);
      return { ...r, streaming, at: measuredAt() };
    };
    process.stderr.write('   quiet…\n');
    const quiet = await run();
    process.stderr.write('   loaded (a busy loop on every core)…\n');
    const hogs = startCpuHogs();
    let loaded: ComparisonResult;
    try {
      loaded = await run();
    } finally {
      await hogs.stop();
    }
    return {
      ok: true,
      ...(typeof portkey === 'string' ? { portkey: `skipped: ${portkey}` } : {}),
      quiet,
      loaded: { ...loaded, hogs: hogs.count },
    };
  } finally {
    // A daemon slow to clean up after itself must not throw away the figures already measured.
    for (const d of daemons) await d.dispose().catch((err: unknown) => process.stderr.write(`   ${String(err)}\n`));
    if (portkey && typeof portkey !== 'string') portkey.stop();
    fake.stop();
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
