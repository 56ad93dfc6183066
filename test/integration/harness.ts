import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest';
import { DaemonClient } from '../../daemon/client/daemonClient';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { forgetRecord, isRunning, readRecords, recordState, registryEnv } from './daemonRegistry';

export { isRunning } from './daemonRegistry';
import type { ChatChunk, ChatRequest, ChatResult, StatusResult } from '../../protocol';
import { CacheStatsRequest, type CacheStatsResult } from '../../protocol';

export const repoRoot = path.resolve(__dirname, '../..');
/**
 * Give-up limits (never assertion margins) stretch under `npm run test:stress`, where a CLI and a
 * daemon start can take tens of seconds on a machine loaded at many times its core count.
 */
export const TIMEOUT_SCALE = Number(process.env.CONDUIT_TEST_TIMEOUT_SCALE) || 1;
const MIN_WAIT_MS = 60_000;
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');
export const daemonPath = path.join(repoRoot, 'dist', 'daemon.js');

/** Obviously fake keys; each is also a canary that must never show up in logs or output. */
export const FAKE_KEYS = {
  ANTHROPIC_API_KEY: 'sk-ant-test-FAKE-canary-anthropic-0000000000',
  OPENAI_API_KEY: 'sk-test-FAKE-canary-openai-00000000000000',
  GEMINI_API_KEY: 'AIzaFAKE-canary-gemini-000000000000000',
} as const;

/**
 * Every fake key is set, so by default a failing provider falls back to the others (resilient by
 * default, as a user with several keys gets it). A test that counts one provider's requests or
 * expects a provider's failure to reach the caller passes this, and so says it needs one provider.
 */
export const ONE_PROVIDER: NodeJS.ProcessEnv = { CONDUIT_AUTO_FALLBACK: '0' };

/** One of the daemon's JSON log lines, parsed. */
export type LogLine = { msg: string; provider?: string } & Record<string, unknown>;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * A private CONDUIT_HOME with the env that points every provider at the fake server. The
 * daemon is the real process, started on demand by the real CLI, exactly as a user gets it.
 */
export class DaemonHarness {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where the daemons started in this home are recorded (test/daemonsLeft.globalSetup.ts). */
  private readonly registry: string | undefined = inject('daemonRegistry');

  constructor(fakeBaseUrl: string, extraEnv: NodeJS.ProcessEnv = {}) {
    // Short, so the socket path stays well inside sun_path.
    this.home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-'));
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env)) {
      if (/_API_KEY$|_BASE_URL$|^CONDUIT_/.test(k)) delete env[k];
    }
    this.env = {
      ...env,
      ...FAKE_KEYS,
      CONDUIT_HOME: this.home,
      ANTHROPIC_BASE_URL: fakeBaseUrl,
      OPENAI_BASE_URL: `${fakeBaseUrl}/v1`,
      GOOGLE_GEMINI_BASE_URL: fakeBaseUrl,
      CONDUIT_OPENAI_COMPATIBLE_BASE_URL: `${fakeBaseUrl}/compat/v1`,
      ...(this.registry ? registryEnv(this.registry, env, expect.getState().testPath) : {}),
      ...extraEnv,
    };
  }

  cli(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
    const child = this.spawnCli(args);
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
    return collect(child, Math.max(opts.timeoutMs ?? 0, MIN_WAIT_MS) * TIMEOUT_SCALE);
  }

  spawnCli(args: string[], nodeArgs: string[] = []): ChildProcess {
    return spawn(process.execPath, [...nodeArgs, cliPath, ...args], { env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** A daemon in the foreground, for tests that need its process handle or extra node flags. */
  spawnDaemon(nodeArgs: string[] = []): ChildProcess {
    return spawn(process.execPath, [...nodeArgs, daemonPath, '--foreground'], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  async connect(autoStart = true): Promise<DaemonClient> {
    return DaemonClient.connect({
      client: 'other',
      home: this.home,
      autoStart,
      // A give-up, not a check: a daemon on a machine loaded at many times its cores may take
      // longer than the CLI's 15 s to start; the tests' own timeouts are the net.
      startTimeoutMs: 60_000 * TIMEOUT_SCALE,
      helloTimeoutMs: 60_000 * TIMEOUT_SCALE,
      spawn: { daemonScript: daemonPath, env: this.env },
    });
  }

  async status(): Promise<StatusResult> {
    const client = await this.connect(false);
    try {
      return await client.status();
    } finally {
      client.close();
    }
  }

  logText(): string {
    const dir = path.join(this.home, 'logs');
    if (!fs.existsSync(dir)) return '';
    return fs
      .readdirSync(dir)
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
  }

  /**
   * The daemon's JSON log lines, in order, parsed. Only whole lines: the logger writes in the
   * background, so a file's last line may be half written.
   */
  logLines(): LogLine[] {
    return this.rawLogLines().map((l) => JSON.parse(l) as LogLine);
  }

  private rawLogLines(): string[] {
    const dir = path.join(this.home, 'logs');
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .sort((a, b) => logAge(b) - logAge(a))
      .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').slice(0, -1))
      .filter((l) => l.startsWith('{'));
  }

  /**
   * Waits until at least `count` (1) of the daemon's log lines match, and returns the matching
   * lines: the logger writes in the background, so a line can reach the file after the answer
   * that caused it. A RegExp is tested against each raw JSON line. Lines are written in order, so
   * a line found also proves every line logged before it is on disk (the base of a "did not log").
   */
  async waitForLog(
    match: RegExp | ((line: LogLine) => boolean),
    opts: { count?: number; what?: string } = {},
  ): Promise<LogLine[]> {
    const count = opts.count ?? 1;
    const test =
      match instanceof RegExp ? (l: string) => match.test(l) : (l: string) => match(JSON.parse(l) as LogLine);
    let found: string[] = [];
    await waitFor(
      () => {
        found = this.rawLogLines().filter(test);
        return found.length >= count;
      },
      MIN_WAIT_MS,
      `${count} daemon log line(s) matching ${opts.what ?? String(match)}`,
    );
    return found.map((l) => JSON.parse(l) as LogLine);
  }

  socketPath(): string {
    return path.join(this.home, 'run', 'daemon.sock');
  }

  /** Stops every daemon started in this home, waits for each to exit, then removes the home. */
  async dispose(): Promise<void> {
    await this.stopDaemons();
    removeHome(this.home);
  }

  /**
   * Stops every daemon started in this home and waits until each has exited, so none writes in the
   * home afterwards: `conduit stop` for the one serving it, a signal for any other (one still
   * starting, one started by a test's own spawn).
   */
  async stopDaemons(): Promise<void> {
    let served: number | undefined;
    if (this.registry === undefined)
      served = await this.status().then(
        (s) => s.pid,
        () => undefined,
      );
    await this.cli(['stop'], { timeoutMs: 15_000 }).catch(() => undefined);
    if (this.registry === undefined) {
      // No record of the daemons started here (a run without the suite's globalSetup).
      if (served !== undefined && isRunning(served)) process.kill(served, 'SIGKILL');
      return;
    }
    const registry = this.registry;
    const mine = () => readRecords(registry).filter((r) => r.home === this.home);
    const signalled = new Set<number>();
    const allGone = waitFor(
      async () => {
        const records = mine();
        const states = await Promise.all(records.map(recordState));
        for (const [i, r] of records.entries()) {
          if (states[i] === 'gone') forgetRecord(registry, r.pid);
          else if (states[i] === 'alive' && !signalled.has(r.pid)) {
            signalled.add(r.pid);
            // The daemon stops as for `conduit stop` (daemon/compose/processHooks.ts).
            signal(r.pid, 'SIGTERM');
          }
        }
        return states.every((state) => state === 'gone');
      },
      MIN_WAIT_MS,
      `every daemon started in ${this.home} to exit`,
    );
    await allGone.catch((err: unknown) => {
      // Nothing may outlive the suite; the failure still names the home.
      for (const pid of signalled) signal(pid, 'SIGKILL');
      throw err;
    });
  }
}

/** Signals a process that may have ended since it was last seen alive. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** daemon.log.2 before daemon.log.1 before daemon.log: the rotated files are older. */
function logAge(file: string): number {
  const m = /\.log\.(\d+)$/.exec(file);
  return m ? Number(m[1]) : 0;
}

/** Removes a test's temporary home; stop its daemons first (DaemonHarness.stopDaemons). */
export function removeHome(home: string): void {
  // The retries are for Windows, where a file handle closes a moment after its process exits.
  fs.rmSync(home, { recursive: true, force: true, maxRetries: 5 });
}

/**
 * A daemon spawned by the test, run through `during` and then `stop`, and its whole output once
 * it has exited (V8's traces and exit-time probes are flushed at exit, not as they happen).
 */
export async function untilExit(
  child: ChildProcess,
  during: () => Promise<unknown>,
  stop: () => Promise<unknown>,
): Promise<CliResult> {
  const done = collect(child, 600_000);
  await during();
  await stop();
  return done;
}

export function collect(child: ChildProcess, timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`process timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Waits for an observable event. The timeout is a safety net, never an assertion: on a machine
 * loaded at several times its cores a daemon can take many seconds to start, so no wait gives up
 * before a minute (the test's own timeout is larger still).
 */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  timeoutMs = Math.max(timeoutMs, MIN_WAIT_MS) * TIMEOUT_SCALE;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export interface DaemonAndFake {
  readonly fake: FakeProviderServer;
  readonly h: DaemonHarness;
}

/**
 * The usual frame of an integration test file: a fake provider, a private CONDUIT_HOME (with an
 * optional config.json written before any daemon starts), the daemon stopped and the home
 * removed afterwards, and the fake's scripts cleared before each test.
 */
export function useDaemonAndFake(
  opts: { env?: NodeJS.ProcessEnv; config?: unknown; resetEachTest?: boolean } = {},
): DaemonAndFake {
  const holder = {} as { fake: FakeProviderServer; h: DaemonHarness };
  beforeAll(async () => {
    holder.fake = await FakeProviderServer.start();
    holder.h = new DaemonHarness(holder.fake.url, opts.env);
    if (opts.config !== undefined)
      fs.writeFileSync(path.join(holder.h.home, 'config.json'), JSON.stringify(opts.config));
  });
  afterAll(async () => {
    await holder.h.dispose();
    await holder.fake.stop();
  });
  if (opts.resetEachTest !== false) beforeEach(() => holder.fake.reset());
  // The home, and the daemon's log with it, is deleted after the file: a failure's only account of
  // what the daemon did is what is printed here. The log is redacted like every log of Conduit's.
  afterEach((ctx) => {
    if (ctx.task.result?.state !== 'fail' || !holder.h) return;
    process.stdout.write(
      `[daemon log, last 20,000 characters, after ${ctx.task.name}]\n${holder.h.logText().slice(-20_000)}\n`,
    );
  });
  return holder;
}

/** One chat over a connection of its own, closed after; streamed chunks go to `chunks` when given. */
export async function chatOnce(h: DaemonHarness, request: ChatRequest, chunks?: ChatChunk[]): Promise<ChatResult> {
  const client = await h.connect();
  try {
    return await client.chat(request, chunks ? { onChunk: (c) => chunks.push(c) } : undefined);
  } finally {
    client.close();
  }
}

/** `cache/stats` over a connection of its own (which does not start the daemon). */
export async function cacheStats(h: DaemonHarness): Promise<CacheStatsResult> {
  const client = await h.connect(false);
  try {
    return await client.connection.sendRequest(CacheStatsRequest.type, {});
  } finally {
    client.close();
  }
}
