import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { createInterface } from 'node:readline';

export interface Mock {
  url: string;
  proc: ChildProcess;
  /** Scripts the fake over HTTP (/__fake/default, /__fake/enqueue…). */
  control(path: string, body: unknown): Promise<void>;
  /** One stdin command (see mockServe.ts) and its one-line answer. */
  command<T>(cmd: Record<string, unknown>): Promise<T>;
  stop(): void;
}

/** The mock upstream (the fake provider) in its own process, so its work is billed to neither side. */
export async function startFake(buildDir: string): Promise<Mock> {
  const proc = spawn(process.execPath, [path.join(buildDir, 'mockServe.js')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout });
  const waiting: Array<(line: string) => void> = [];
  const first = new Promise<string>((resolve, reject) => {
    waiting.push(resolve);
    proc.once('exit', (code) => reject(new Error(`mock exited with ${code}`)));
  });
  lines.on('line', (line) => waiting.shift()?.(line));
  const { port } = JSON.parse(await first) as { port: number };
  const url = `http://127.0.0.1:${port}`;
  // Commands are answered in order, one line each; waitFor may answer late, so it is not queued here.
  return {
    url,
    proc,
    async control(p: string, body: unknown) {
      const res = await fetch(`${url}${p}`, { method: 'POST', body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`control ${p}: ${res.status}`);
    },
    command<T>(cmd: Record<string, unknown>): Promise<T> {
      return new Promise<T>((resolve) => {
        waiting.push((line) => resolve(JSON.parse(line) as T));
        proc.stdin.write(`${JSON.stringify(cmd)}\n`);
      });
    },
    stop() {
      proc.kill('SIGTERM');
    },
  };
}

export function benchHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-'));
}

export function daemonEnv(home: string, fakeUrl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // Node flags for the daemon alone (e.g. --max-semi-space-size=1), so the bench's own process is unchanged.
    ...(process.env.BENCH_DAEMON_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_DAEMON_NODE_OPTIONS } : {}),
    CONDUIT_HOME: home,
    ANTHROPIC_API_KEY: 'sk-ant-bench-FAKE-0000000000',
    OPENAI_API_KEY: 'sk-bench-FAKE-00000000000000000',
    GEMINI_API_KEY: 'AIzaBENCH-FAKE-000000000000000000',
    ANTHROPIC_BASE_URL: fakeUrl,
    OPENAI_BASE_URL: `${fakeUrl}/v1`,
    GOOGLE_GEMINI_BASE_URL: fakeUrl,
    CONDUIT_OPENAI_COMPATIBLE_BASE_URL: `${fakeUrl}/compat/v1`,
  };
}

/** The per-minute request and token limit the benchmarks configure and the mock announces. */
const BENCH_LIMIT = 1_000_000_000;

/**
 * The mock's OpenAI rate-limit headers, announcing the benchmarks' own limit. The fake's defaults
 * announce 10,000 requests a minute with 9,999 always left; the daemon's limiter rightly adopts
 * a provider's lower limit, so after ~10,000 requests (mid-way through scenario 3) it held
 * requests to ~163 a second, and throughput at concurrency 64 measured the limiter's refill
 * instead of the daemon. Spread into every script a benchmark sets as the mock's default.
 */
export const roomyLimitHeaders: Record<string, string> = {
  'x-ratelimit-limit-requests': String(BENCH_LIMIT),
  'x-ratelimit-remaining-requests': String(BENCH_LIMIT - 1),
  'x-ratelimit-limit-tokens': String(BENCH_LIMIT),
  'x-ratelimit-remaining-tokens': String(BENCH_LIMIT - 10),
};

/**
 * The daemon's config.json for benchmarks: rate limits on (so the limiter's bookkeeping is in
 * the path) but far above anything a benchmark sends, so nothing ever waits.
 */
export function benchConfig(home: string, extra: Record<string, unknown> = {}): void {
  const rateLimit = { enabled: true, tier: 'custom', overrides: { openai: { rpm: BENCH_LIMIT, tpm: BENCH_LIMIT } } };
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ rateLimit, ...extra }, null, 2));
}

export function textOfSize(bytes: number): string {
  const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor '.repeat(
    Math.ceil(bytes / 70),
  );
  return words.slice(0, bytes);
}

/** A process's CPU time (user + system) so far, in ms, from /proc (Linux); NaN elsewhere. */
export function cpuMsOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** A process's resident set size in bytes, from /proc (Linux); NaN elsewhere. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Waits until `url` answers over HTTP; the reason it never did, or undefined once it does. */
export async function waitForHttp(url: string, proc: ChildProcess, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  proc.once('exit', (code, signal) => {
    exited = `exited with ${code ?? signal}`;
  });
  while (Date.now() < deadline) {
    if (exited) return exited;
    try {
      await fetch(url, { signal: AbortSignal.timeout(500) });
      return undefined;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return `did not accept connections within ${timeoutMs} ms`;
}
