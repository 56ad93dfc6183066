import type OpenAI from 'openai';
import type { DaemonClient } from '../daemon/client/daemonClient';
import { benchBody, benchMessages } from './directBaseline';
import { interleave, interleaveConcurrent, warmUp, type Side } from './interleave';
import type { MeasuredAt } from './machine';
import { summarize, type Summary } from './stats';

/**
 * The side-by-side comparison of added latency (issue #23): the same non-streaming chat
 * completion sent by a direct SDK call, through Conduit over IPC, through Conduit's local
 * endpoint and through Portkey, interleaved one request at a time in a rotated order; then the
 * same for streams (direct and Conduit over IPC: Portkey's streaming fails on Node 20).
 */
export interface ComparisonSides {
  direct: OpenAI;
  conduit: DaemonClient;
  endpoint?: OpenAI;
  portkey?: OpenAI;
  /** An earlier build of the daemon (BENCH_BEFORE_DAEMON), for before/after in the same run. */
  before?: DaemonClient;
  /**
   * That build's local endpoint: it carries the same traffic as the current build's, so neither
   * daemon is warmer for serving more requests (with the endpoint on the current build alone, the
   * build in the "before" slot came out slower whichever build it was; docs/performance.md).
   */
  beforeEndpoint?: OpenAI;
}

export interface ComparisonResult {
  at: MeasuredAt;
  n: number;
  /** Latency per side; "added" figures are a side's percentile minus the direct side's. */
  sides: Record<string, Summary>;
  /** The same, `concurrency` requests at a time through each side in turn. */
  concurrent: { concurrency: number; rounds: number; sides: Record<string, Summary> };
  /**
   * Each daemon's CPU time per request it served (its IPC and endpoint sides alike) over the
   * one-at-a-time rounds, in µs, from /proc: CPU time moves far less with the machine's load than
   * latency does, so a small change between two builds can show here first. Absent off Linux.
   */
  daemonCpuUs?: Record<string, number>;
  streaming: StreamingResult;
}

export interface StreamingResult {
  streams: number;
  chunksPerStream: number;
  chunkDelayMs: number;
  ttft: Record<string, Summary>;
  gap: Record<string, Summary>;
  /** Streams through Conduit with a chunk lost, merged or out of order. */
  lostOrMerged: number;
}

// Short streams, so that enough of them fit in the run for a p99 of time to first token that is
// not just the worst stream; 8 chunks a few ms apart still show a chunk lost, merged or reordered.
const CHUNKS = 8;
export const streamScript = {
  deltas: Array.from({ length: CHUNKS }, (_, i) => `c${i} `),
  chunkDelayMs: 2,
};

/** A daemon's CPU time so far in ms, and the sides whose requests it serves. */
export interface DaemonCpu {
  cpuMs: () => number;
  sides: string[];
}

export async function compare(
  s: ComparisonSides,
  n: number,
  concurrency: number,
  daemons: Record<string, DaemonCpu> = {},
): Promise<Pick<ComparisonResult, 'n' | 'sides' | 'concurrent' | 'daemonCpuUs'>> {
  const viaIpc = (c: DaemonClient) => () =>
    c.chat({ provider: 'openai', model: 'gpt-bench', messages: benchMessages, max_tokens: 64, stream: false });
  const sides: Side[] = [{ name: 'direct', run: () => s.direct.chat.completions.create(benchBody) }];
  sides.push({ name: 'conduit ipc', run: viaIpc(s.conduit) });
  if (s.endpoint) sides.push({ name: 'conduit endpoint', run: () => s.endpoint!.chat.completions.create(benchBody) });
  if (s.portkey) sides.push({ name: 'portkey', run: () => s.portkey!.chat.completions.create(benchBody) });
  if (s.before) sides.push({ name: 'conduit ipc (before)', run: viaIpc(s.before) });
  if (s.beforeEndpoint)
    sides.push({ name: 'conduit endpoint (before)', run: () => s.beforeEndpoint!.chat.completions.create(benchBody) });
  await warmUp(sides, 40);
  const cpuBefore = Object.fromEntries(Object.entries(daemons).map(([k, d]) => [k, d.cpuMs()]));
  const samples = await interleave(n, sides);
  const daemonCpuUs: Record<string, number> = {};
  for (const [k, d] of Object.entries(daemons)) {
    const served = d.sides.filter((name) => samples[name]).length * n;
    const us = ((d.cpuMs() - cpuBefore[k]!) * 1000) / served;
    if (served > 0 && Number.isFinite(us)) daemonCpuUs[k] = us;
  }
  const rounds = Math.ceil(n / concurrency);
  const concurrent = await interleaveConcurrent(rounds, concurrency, sides);
  return {
    n,
    sides: summarizeAll(samples),
    concurrent: { concurrency, rounds, sides: summarizeAll(concurrent) },
    ...(Object.keys(daemonCpuUs).length ? { daemonCpuUs } : {}),
  };
}

function summarizeAll(samples: Record<string, number[]>): Record<string, Summary> {
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)]));
}

/** Streams, direct and through Conduit, rotated one stream at a time; the mock must stream `streamScript`. */
export async function compareStreams(s: ComparisonSides, streams: number): Promise<StreamingResult> {
  const ttft: Record<string, number[]> = { direct: [], 'conduit ipc': [] };
  const gap: Record<string, number[]> = { direct: [], 'conduit ipc': [] };
  let lostOrMerged = 0;
  const direct = async () => {
    const t = performance.now();
    let last = 0;
    const stream = await s.direct.chat.completions.create({ ...benchBody, stream: true });
    for await (const chunk of stream) {
      if (!chunk.choices[0]?.delta?.content) continue;
      const now = performance.now();
      (last === 0 ? ttft.direct! : gap.direct!).push(now - (last || t));
      last = now;
    }
  };
  const viaConduit = (client: DaemonClient, name: string) => async () => {
    const t = performance.now();
    let last = 0;
    let seen = 0;
    let text = '';
    let broken = false;
    const r = await client.chat(
      { provider: 'openai', model: 'gpt-bench', messages: benchMessages, max_tokens: 64, stream: true },
      {
        onChunk: (c) => {
          const now = performance.now();
          if (c.seq !== seen || c.delta !== `c${seen} `) broken = true;
          seen++;
          text += c.delta;
          (last === 0 ? ttft[name]! : gap[name]!).push(now - (last || t));
          last = now;
        },
      },
    );
    if (broken || seen !== CHUNKS || r.text !== text) lostOrMerged++;
  };
  const sides: Side[] = [
    { name: 'direct', run: direct },
    { name: 'conduit ipc', run: viaConduit(s.conduit, 'conduit ipc') },
  ];
  // An earlier build (BENCH_BEFORE_DAEMON) streams in the same rotation, for before/after.
  if (s.before) sides.push({ name: 'conduit ipc (before)', run: viaConduit(s.before, 'conduit ipc (before)') });
  const reset = () => {
    for (const side of sides) {
      ttft[side.name] = [];
      gap[side.name] = [];
    }
    lostOrMerged = 0;
  };
  reset();
  await warmUp(sides, 2);
  reset();
  await interleave(streams, sides);
  const sum = (r: Record<string, number[]>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, summarize(v)])) as Record<string, Summary>;
  return {
    streams,
    chunksPerStream: CHUNKS,
    chunkDelayMs: streamScript.chunkDelayMs,
    ttft: sum(ttft),
    gap: sum(gap),
    lostOrMerged,
  };
}
