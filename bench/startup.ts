/**
 * Start-up (issue #23): a cold `conduit ask` (no daemon running: the CLI starts one) to the
 * request reaching the upstream, a warm one (daemon running), and the daemon bundle's module
 * evaluation, each next to Node's own start (`node -e ''`) in the same run. The variants are
 * interleaved one by one and their order rotates every round, so load on a shared machine hits
 * them all alike.
 *   node bench/run.mjs --only startup [--rounds N] [--quick]
 * BENCH_BEFORE_DIST=dir adds an earlier build (a folder holding its cli.js and daemon.js) as
 * "before", measured in the same rounds. BENCH_NODE=path runs every measured process (node -e '',
 * the CLI, and so the daemon it spawns) on another Node binary, e.g. Node 22 with its code cache.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DaemonClient } from '../daemon/client/daemonClient';
import { keepResult } from './history';
import { benchConfig, benchHome, daemonEnv, roomyLimitHeaders, startFake, type Mock } from './processes';
import { percentile } from './stats';

const buildDir = __dirname;
const repo = path.resolve(buildDir, '..', '..');
const argValue = (name: string): string | undefined =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const quick = process.argv.includes('--quick');
const rounds = Number(argValue('--rounds')) || (quick ? 5 : 15);
/** The runtime under test; the CLI spawns the daemon with its own (process.execPath). */
const nodeBin = process.env.BENCH_NODE ? path.resolve(process.env.BENCH_NODE) : process.execPath;

interface Build {
  name: string;
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

type Figure = 'node' | 'cold' | 'coldExit' | 'warm' | 'warmExit' | 'daemonEval';
const samples = new Map<string, number[]>();
const add = (key: string, ms: number): void => {
  if (!samples.has(key)) samples.set(key, []);
  samples.get(key)!.push(ms);
};

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

/** Spawn → exit of a process, in ms. */
function timeExit(args: string[], env?: NodeJS.ProcessEnv): Promise<{ ms: number; code: number | null; err: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(nodeBin, args, { env: env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ ms: performance.now() - t0, code, err }));
  });
}

let promptSeq = 0;

/**
 * `conduit ask` as a new process: ms from spawn to the request reaching the mock, and to exit.
 * Every prompt is new, so no answer comes from the cache.
 */
async function ask(mock: Mock, b: Build): Promise<{ toUpstream: number; toExit: number }> {
  const { requests } = await mock.command<{ requests: number }>({ cmd: 'count' });
  const arrived = mock.command<{ at: number | null }>({ cmd: 'waitFor', n: requests + 1 });
  const t0 = Date.now();
  const args = [path.join(b.dir, 'cli.js'), 'ask', '--provider', 'openai', '--model', 'gpt-bench'];
  const r = await timeExit([...args, '--no-stream', `startup ${process.pid} ${promptSeq++}`], b.env);
  if (r.code !== 0) throw new Error(`${b.name}: conduit ask exited with ${r.code}: ${r.err.slice(-400)}`);
  const { at } = await arrived;
  if (at === null) throw new Error(`${b.name}: the request never reached the mock`);
  return { toUpstream: at - t0, toExit: r.ms };
}

/** Stops the build's daemon and waits until its process is gone, so the next ask is cold. */
async function stopDaemon(b: Build): Promise<void> {
  let client: DaemonClient;
  try {
    client = await DaemonClient.connect({ client: 'cli', home: b.home, autoStart: false });
  } catch {
    return;
  }
  const pid = client.hello.pid;
  await client.stop().catch(() => undefined);
  client.close();
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Loading the daemon's code in a fresh Node, without starting it: its ESM bundle (dist/daemon.mjs,
 * which the CommonJS entry imports) where the build has one, else `require()` of daemon.js (not
 * the main module, so it does not start).
 */
async function daemonEval(b: Build): Promise<number> {
  const esm = path.join(b.dir, 'daemon.mjs');
  const load = fs.existsSync(esm)
    ? `import(${JSON.stringify(pathToFileURL(esm).href)})`
    : `Promise.resolve(require(${JSON.stringify(path.join(b.dir, 'daemon.js'))}))`;
  const script = `const t=performance.now();${load}.then(()=>process.stdout.write(String(performance.now()-t)))`;
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBin, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`daemon eval exited ${code}`))));
  });
}

/** The version of the runtime under test (BENCH_NODE's, when set). */
function runtimeVersion(): string {
  return execFileSync(nodeBin, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
}

function rotate<T>(items: T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function makeBuild(name: string, dir: string, mock: Mock): Build {
  const home = benchHome();
  benchConfig(home);
  return { name, dir, home, env: { ...daemonEnv(home, mock.url), CONDUIT_AUTO_FALLBACK: '0' } };
}

async function main(): Promise<void> {
  const mock = await startFake(buildDir);
  await mock.control('/__fake/default', {
    provider: 'openai',
    script: { text: 'ok', chunks: 1, headers: roomyLimitHeaders },
  });
  const builds = [makeBuild('current', path.join(repo, 'dist'), mock)];
  if (process.env.BENCH_BEFORE_DIST)
    builds.push(makeBuild('before', path.resolve(process.env.BENCH_BEFORE_DIST), mock));
  const load = os.loadavg()[0]!;
  const version = runtimeVersion();
  try {
    // One ask each first, so the first round does not also pay for cold disk caches.
    for (const b of builds) await ask(mock, b);
    for (const b of builds) await stopDaemon(b);
    for (let round = 0; round < rounds; round++) {
      // Each step is one measurement. The order rotates so no variant always runs first, and the
      // builds' asks swap places every other round: a cold ask that follows the other build's
      // daemon's stop was slower (identical builds differed by 40-200 ms in the slot that came
      // second), so each build must come second as often as the other.
      const asks = round % 2 === 0 ? builds : [...builds].reverse();
      const steps: Array<() => Promise<void>> = [
        async () => add('node', (await timeExit(['-e', ''])).ms),
        ...builds.map((b) => async () => add(`${b.name}:daemonEval`, await daemonEval(b))),
        ...asks.map((b) => async () => {
          const cold = await ask(mock, b);
          add(`${b.name}:cold`, cold.toUpstream);
          add(`${b.name}:coldExit`, cold.toExit);
          const warm = await ask(mock, b);
          add(`${b.name}:warm`, warm.toUpstream);
          add(`${b.name}:warmExit`, warm.toExit);
          await stopDaemon(b);
        }),
      ];
      // Rotated by whole pairs of rounds, so the swap above is not undone by the rotation.
      for (const step of rotate(steps, Math.floor(round / 2))) await step();
      log(`round ${round + 1}/${rounds}`);
    }
  } finally {
    for (const b of builds) await stopDaemon(b);
    mock.stop();
  }
  report(
    builds.map((b) => b.name),
    load,
    version,
  );
}

function report(names: string[], loadBefore: number, version: string): void {
  const p50 = (key: string): number => percentile(samples.get(key) ?? [], 50);
  const p90 = (key: string): number => percentile(samples.get(key) ?? [], 90);
  const node = p50('node');
  const f = (ms: number): string => (Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : 'n/a');
  const lines = [
    `Start-up: ${rounds} rounds, interleaved; Node ${version}, ${os.cpus().length} cores, load ${loadBefore.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)}`,
    `node -e '' (spawn → exit): p50 ${f(node)}, p90 ${f(p90('node'))}`,
    '',
    '| build | figure | p50 | p90 | p50 / node | goal |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  const rows: Array<[Figure, string, string]> = [
    ['cold', 'cold ask: spawn → request at upstream', '≤ 300 ms and ≤ 4× node'],
    ['coldExit', 'cold ask: spawn → exit', ''],
    ['warm', 'warm ask: spawn → request at upstream', '≤ 1.5× node'],
    ['warmExit', 'warm ask: spawn → exit', ''],
    ['daemonEval', 'daemon code loaded (not started)', ''],
  ];
  for (const name of names) {
    for (const [fig, label, goal] of rows) {
      const key = `${name}:${fig}`;
      lines.push(
        `| ${name} | ${label} | ${f(p50(key))} | ${f(p90(key))} | ${(p50(key) / node).toFixed(2)}× | ${goal} |`,
      );
    }
  }
  console.log(lines.join('\n'));
  const file = keepResult(repo, 'startup', {
    loadAverage: [loadBefore, os.loadavg()[0]],
    node: version,
    rounds,
    samples: Object.fromEntries(samples),
  });
  console.log(`\nwrote ${path.relative(repo, file)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
