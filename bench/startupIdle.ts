/**
 * An idle daemon's memory after its start (issue #23), quicker than the memory bench: each build's
 * daemon is started as the spawner starts it (daemon/client/daemonRuntime.ts: its V8 flags and, on
 * Linux, its malloc settings), in an empty home, with no client and no request. RSS 2 s after
 * `daemon listening`, then 1 s after the start's idle trim (its log line), with the trimmed RSS
 * split into anonymous and file-backed (mostly the `node` binary's pages). Builds alternate, their
 * order swapped every round, so load on a shared machine hits them alike.
 *   node bench/run.mjs --only startup-idle [--rounds N] [--first-start]
 * BENCH_BEFORE_DIST=dir adds an earlier build (a folder holding its daemon.js) as "before".
 * The home is one a first start has prepared (its IPC and endpoint tokens exist) and the keychain's
 * service is named (CONDUIT_KEYCHAIN_SERVICE), as the default home's is: creating a token and
 * hashing a home's path into a service name each load crypto, which an ordinary start does not.
 * --first-start measures an empty home instead (what this bench measured before 2026-12-07 afternoon).
 * Linux only: the figures come from /proc.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { daemonRuntime } from '../daemon/client/daemonRuntime';
import { homeLayout } from '../daemon/home/conduitHome';
import { readOrCreateToken } from '../daemon/home/token';
import { readOrCreateEndpointToken } from '../daemon/http/endpointToken';
import { keepResult } from './history';
import { benchHome } from './processes';
import { percentile } from './stats';

const buildDir = __dirname;
const repo = path.resolve(buildDir, '..', '..');
const argValue = (name: string): string | undefined =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const rounds = Number(argValue('--rounds')) || 4;
const firstStart = process.argv.includes('--first-start');
const MB = 2 ** 20;

interface Sample {
  at2s: number;
  trimmed: number;
  anonymous: number;
  fileBacked: number;
}

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

/** Resident kB fields of /proc/<pid>/smaps_rollup, in bytes. */
function rollup(pid: number): { rss: number; anonymous: number } {
  const text = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('Rss'), anonymous: kb('Anonymous') };
}

async function one(daemonScript: string): Promise<Sample> {
  const home = benchHome();
  const ordinary: NodeJS.ProcessEnv = {};
  if (!firstStart) {
    readOrCreateToken(homeLayout(home).tokenFile);
    readOrCreateEndpointToken(home);
    ordinary.CONDUIT_KEYCHAIN_SERVICE = process.env.CONDUIT_KEYCHAIN_SERVICE ?? 'conduit-bench';
  }
  const runtime = daemonRuntime(process.platform, process.env);
  const child = spawn(process.execPath, [...runtime.execArgv, daemonScript, '--foreground'], {
    env: { ...process.env, ...runtime.env, ...ordinary, CONDUIT_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    let at2s: number | undefined;
    const trimmed = await new Promise<{ rss: number; anonymous: number }>((resolve, reject) => {
      const onData = (d: Buffer): void => {
        out += d.toString('utf8');
        if (at2s === undefined && out.includes('"daemon listening"')) {
          at2s = NaN;
          setTimeout(() => (at2s = rollup(child.pid!).rss), 2000);
        }
        // The SQLite thread's sleep is logged right after the main isolate's trim.
        if (out.includes('"idle trim: the SQLite thread is asleep"')) {
          child.stdout.off('data', onData);
          child.stderr.off('data', onData);
          setTimeout(() => resolve(rollup(child.pid!)), 1000);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`the daemon exited (${code}) before its idle trim:\n${out}`)));
    });
    return {
      at2s: at2s ?? NaN,
      trimmed: trimmed.rss,
      anonymous: trimmed.anonymous,
      fileBacked: trimmed.rss - trimmed.anonymous,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(undefined)));
    fs.rmSync(home, { recursive: true, force: true, maxRetries: 5 });
  }
}

async function main(): Promise<void> {
  if (process.platform !== 'linux') {
    log('startup-idle: Linux only (/proc); nothing measured.');
    return;
  }
  const builds = [{ name: 'current', script: path.join(repo, 'dist', 'daemon.js') }];
  if (process.env.BENCH_BEFORE_DIST)
    builds.push({ name: 'before', script: path.join(path.resolve(process.env.BENCH_BEFORE_DIST), 'daemon.js') });
  const samples = new Map<string, Sample[]>(builds.map((b) => [b.name, []]));
  const loadBefore = os.loadavg()[0]!;
  for (let round = 0; round < rounds; round++) {
    for (const b of round % 2 ? [...builds].reverse() : builds) {
      const s = await one(b.script);
      samples.get(b.name)!.push(s);
      log(
        `round ${round + 1} ${b.name}: 2 s ${(s.at2s / MB).toFixed(1)} MB, trimmed ${(s.trimmed / MB).toFixed(1)} MB ` +
          `(anonymous ${(s.anonymous / MB).toFixed(1)}, file-backed ${(s.fileBacked / MB).toFixed(1)})`,
      );
    }
  }
  const median = (xs: number[]): number => +(percentile(xs, 50) / MB).toFixed(1);
  const figures = Object.fromEntries(
    [...samples].map(([name, list]) => [
      name,
      {
        at2sMb: median(list.map((s) => s.at2s)),
        trimmedMb: median(list.map((s) => s.trimmed)),
        anonymousMb: median(list.map((s) => s.anonymous)),
        fileBackedMb: median(list.map((s) => s.fileBacked)),
        samples: list.map((s) => ({
          at2sMb: +(s.at2s / MB).toFixed(1),
          trimmedMb: +(s.trimmed / MB).toFixed(1),
          anonymousMb: +(s.anonymous / MB).toFixed(1),
          fileBackedMb: +(s.fileBacked / MB).toFixed(1),
        })),
      },
    ]),
  );
  log(
    `\nidle daemon RSS, ${firstStart ? 'first start, empty home' : 'ordinary start'}, median of ${rounds} (goal: at most 60 MB); load ${loadBefore.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)}`,
  );
  for (const [name, f] of Object.entries(figures))
    log(
      `  ${name.padEnd(8)} 2 s after listening ${f.at2sMb} MB, after the start's trim ${f.trimmedMb} MB ` +
        `(anonymous ${f.anonymousMb}, file-backed ${f.fileBackedMb})`,
    );
  const file = keepResult(repo, 'startup-idle', {
    rounds,
    firstStart,
    loadBefore,
    builds: builds.map((b) => ({ name: b.name, daemonScript: path.relative(repo, b.script) })),
    figures,
  });
  log(`kept in ${path.relative(repo, file)}`);
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
