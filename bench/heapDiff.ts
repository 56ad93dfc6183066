/**
 * What grows in the daemon's heap per request (issue #23): two heap snapshots of a running daemon,
 * after a warm-up and after N more uncached requests, both after a forced GC, and the objects
 * whose count or size grew the most between them, by constructor.
 *   node bench/run.mjs --only heapdiff [--requests N] [--warmup W] [--cache]
 * A tool, not a benchmark: it prints, it asserts nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DaemonClient } from '../daemon/client/daemonClient';
import { benchConfig, benchHome, daemonEnv, roomyLimitHeaders, startFake, textOfSize } from './processes';

const buildDir = __dirname;
const repo = path.resolve(buildDir, '..', '..');
const argValue = (name: string): number | undefined =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : undefined;
const requests = argValue('--requests') ?? 5_000;
const warmup = argValue('--warmup') ?? 2_000;
const cache = process.argv.includes('--cache');
const daemonScript = process.env.BENCH_DAEMON_SCRIPT ?? path.join(repo, 'dist', 'daemon.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let seq = 0;
async function load(client: DaemonClient, count: number): Promise<void> {
  let left = count;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (left-- > 0) {
        await client.chat({
          provider: 'openai',
          model: 'gpt-bench',
          messages: [{ role: 'user', content: `heap ${seq++}: ${textOfSize(200)}` }],
          max_tokens: 64,
          temperature: 0,
        });
      }
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

function countsOf(file: string): Counts {
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
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
  }
  return out;
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
    const a = countsOf(await snapshot(client, pid, home));
    await load(client, requests);
    const b = countsOf(await snapshot(client, pid, home));
    const rows = [...b]
      .map(([key, v]) => {
        const was = a.get(key) ?? { count: 0, size: 0 };
        return { key, count: v.count - was.count, size: v.size - was.size };
      })
      .filter((r) => r.size !== 0 || r.count !== 0)
      .sort((x, y) => y.size - x.size);
    const total = rows.reduce((t, r) => t + r.size, 0);
    console.log(
      `heap growth over ${requests} requests after ${warmup} (cache ${cache ? 'on' : 'off'}): ${total} bytes`,
    );
    console.log('| bytes | count | type:constructor |\n| --- | --- | --- |');
    for (const r of rows.slice(0, 25)) console.log(`| ${r.size} | ${r.count} | ${r.key} |`);
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
