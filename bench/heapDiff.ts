/**
 * What grows in the daemon's heap per request (issue #23): heap snapshots of a running daemon,
 * after a warm-up and after N more uncached requests, each after a forced GC, and the objects
 * whose count or size grew the most between them, by constructor.
 *   node bench/run.mjs --only heapdiff [--requests N] [--warmup W] [--cache] [--snapshots K]
 * With --snapshots K (1 by default) the N requests are sent in K steps with a snapshot after each,
 * and every step is set against the one before it: a structure that fills and empties shows as a
 * constructor that grows in one step and shrinks in another. Each step also prints the heap by V8's
 * node types (code, strings, arrays, objects...), which tells compiled code from data.
 * With --retainers 'type:constructor' (a key from the table) the last snapshot also prints, for the
 * largest five such objects, what holds them, four steps up (edge name and holder).
 * A tool, not a benchmark: it prints, it asserts nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DaemonClient } from '../daemon/client/daemonClient';
import { benchConfig, benchHome, daemonEnv, roomyLimitHeaders, startFake, textOfSize } from './processes';
import { sixteenAtOnce } from './sixteenAtOnce';

const buildDir = __dirname;
const repo = path.resolve(buildDir, '..', '..');
const argValue = (name: string): number | undefined =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : undefined;
const requests = argValue('--requests') ?? 5_000;
const warmup = argValue('--warmup') ?? 2_000;
const cache = process.argv.includes('--cache');
const snapshots = argValue('--snapshots') ?? 1;
const retainersOf = process.argv.includes('--retainers')
  ? process.argv[process.argv.indexOf('--retainers') + 1]
  : undefined;
const daemonScript = process.env.BENCH_DAEMON_SCRIPT ?? path.join(repo, 'dist', 'daemon.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let seq = 0;
async function load(client: DaemonClient, count: number): Promise<void> {
  await sixteenAtOnce(count, () =>
    client.chat({
      provider: 'openai',
      model: 'gpt-bench',
      messages: [{ role: 'user', content: `heap ${seq++}: ${textOfSize(200)}` }],
      max_tokens: 64,
      temperature: 0,
    }),
  );
}

/** Sends the snapshot signal and waits for the file to be complete (its size stops changing). */
async function snapshot(client: DaemonClient, pid: number, dir: string): Promise<string> {
  await client.status(true);
  await client.status(true);
  const before = new Set(fs.readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  for (;;) {
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (file) {
      const full = path.join(dir, file);
      let size = -1;
      while (size !== fs.statSync(full).size) {
        size = fs.statSync(full).size;
        await client.status();
        await sleep(500);
      }
      return full;
    }
    await sleep(100);
  }
}

type Counts = Map<string, { count: number; size: number }>;

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** For the largest five objects under `key`, their holders four steps up: `edge <- holder` lines. */
function printRetainers(s: Snapshot, key: string): void {
  const nf = s.snapshot.meta.node_fields.length;
  const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) =>
    s.snapshot.meta.node_fields.indexOf(f),
  ) as [number, number, number, number];
  const ef = s.snapshot.meta.edge_fields.length;
  const types = s.snapshot.meta.node_types[0];
  const edgeTypes = s.snapshot.meta.edge_types[0];
  const label = (n: number): string => {
    const type = types[s.nodes[n + iType]!]!;
    return `${type}:${/string/.test(type) ? '' : s.strings[s.nodes[n + iName]!]!.slice(0, 60)} (${s.nodes[n + iSize]} B)`;
  };
  // Who points at whom: node index -> [holder index, edge name].
  const holders = new Map<number, Array<[number, string]>>();
  for (let n = 0, e = 0; n < s.nodes.length; n += nf) {
    for (let k = 0; k < s.nodes[n + iEdges]!; k++, e += ef) {
      const to = s.edges[e + 2]!;
      const edgeType = edgeTypes[s.edges[e]!]!;
      const name =
        edgeType === 'element' || edgeType === 'hidden' ? `[${s.edges[e + 1]}]` : s.strings[s.edges[e + 1]!]!;
      const list = holders.get(to) ?? [];
      if (list.length < 3) list.push([n, `${edgeType} ${name}`]);
      holders.set(to, list);
    }
  }
  const matching: number[] = [];
  for (let n = 0; n < s.nodes.length; n += nf) if (label(n).startsWith(`${key} (`)) matching.push(n);
  matching.sort((a, b) => s.nodes[b + iSize]! - s.nodes[a + iSize]!);
  const walk = (n: number, depth: number, indent: string): void => {
    if (depth === 0) return;
    for (const [holder, edge] of holders.get(n) ?? []) {
      console.log(`${indent}${edge} <- ${label(holder)}`);
      walk(holder, depth - 1, `${indent}  `);
    }
  };
  console.log(`\nwhat holds the largest ${key}:`);
  for (const n of matching.slice(0, 5)) {
    console.log(label(n));
    walk(n, 4, '  ');
  }
}

/** The snapshot's counts by type:constructor; the file is removed once read (each is tens of MB). */
function countsOf(file: string, retainers?: string): Counts {
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  if (retainers) printRetainers(s, retainers);
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const out: Counts = new Map();
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const type = types[s.nodes[i + iType]!]!;
    const name = /string/.test(type) ? '' : s.strings[s.nodes[i + iName]!]!.slice(0, 60);
    const key = `${type}:${name}`;
    const c = out.get(key) ?? { count: 0, size: 0 };
    c.count++;
    c.size += s.nodes[i + iSize]!;
    out.set(key, c);
    const t = out.get(`(type) ${type}`) ?? { count: 0, size: 0 };
    t.count++;
    t.size += s.nodes[i + iSize]!;
    out.set(`(type) ${type}`, t);
  }
  fs.rmSync(file);
  return out;
}

/** What changed from `a` to `b`: the largest changes in bytes either way, and the totals by node type. */
function printDiff(title: string, a: Counts, b: Counts): void {
  const keys = new Set([...a.keys(), ...b.keys()]);
  const rows = [...keys]
    .map((key) => {
      const was = a.get(key) ?? { count: 0, size: 0 };
      const now = b.get(key) ?? { count: 0, size: 0 };
      return { key, count: now.count - was.count, size: now.size - was.size, now: now.size };
    })
    .filter((r) => r.size !== 0 || r.count !== 0);
  const types = rows.filter((r) => r.key.startsWith('(type) '));
  const byConstructor = rows.filter((r) => !r.key.startsWith('(type) '));
  const total = types.reduce((t, r) => t + r.size, 0);
  console.log(`\n${title}: ${total} bytes`);
  console.log(
    'by node type: ' +
      types
        .sort((x, y) => y.size - x.size)
        .map((r) => `${r.key.slice(7)} ${r.size}`)
        .join(', '),
  );
  console.log('| bytes | count | type:constructor |\n| --- | --- | --- |');
  byConstructor.sort((x, y) => Math.abs(y.size) - Math.abs(x.size));
  for (const r of byConstructor.slice(0, 25)) console.log(`| ${r.size} | ${r.count} | ${r.key} |`);
}

async function main(): Promise<void> {
  const mock = await startFake(buildDir);
  await mock.control('/__fake/default', {
    provider: 'openai',
    script: { text: textOfSize(1400), chunks: 1, headers: roomyLimitHeaders },
  });
  const home = benchHome();
  benchConfig(home, cache ? {} : { cache: { enabled: false } });
  const env = {
    ...daemonEnv(home, mock.url),
    CONDUIT_AUTO_FALLBACK: '0',
    NODE_OPTIONS: `--expose-gc --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${home}`,
  };
  const client = await DaemonClient.connect({ client: 'cli', home, autoStart: true, spawn: { daemonScript, env } });
  const pid = client.hello.pid;
  try {
    await load(client, warmup);
    const first = countsOf(await snapshot(client, pid, home));
    let before = first;
    const step = Math.round(requests / snapshots);
    for (let k = 1; k <= snapshots; k++) {
      await load(client, step);
      const after = countsOf(await snapshot(client, pid, home), k === snapshots ? retainersOf : undefined);
      if (snapshots > 1) printDiff(`step ${k}: ${step * k} requests after ${warmup}`, before, after);
      before = after;
    }
    printDiff(
      `heap growth over ${step * snapshots} requests after ${warmup} (cache ${cache ? 'on' : 'off'})`,
      first,
      before,
    );
  } finally {
    await client.stop().catch(() => undefined);
    client.close();
    mock.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
