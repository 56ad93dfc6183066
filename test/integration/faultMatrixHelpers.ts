import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { DaemonClient } from '../../daemon/client/daemonClient';
import {
  ConduitError,
  type AttemptLogEntry,
  type ChatChunk,
  type ChatRequest,
  type ChatResult,
  type CircuitStatus,
  type ErrorCode,
} from '../../protocol';
import { FakeProviderServer, type RecordedRequest, type WireProvider } from '../fakes/fakeProvider';
import { DaemonHarness } from './harness';

export type Wire = Extract<WireProvider, 'anthropic' | 'openai' | 'gemini'>;
export const WIRES: readonly Wire[] = ['anthropic', 'openai', 'gemini'];

/** A partial `resilience` section of config.json; zod fills in the rest. */
export interface ResilienceOverrides {
  baseDelayMs?: number;
  maxDelayMs?: number;
  retryBudgetMs?: number;
  maxAttempts?: number;
  timeouts?: {
    connectMs?: number;
    firstByteMs?: number;
    streamIdleMs?: number;
    requestMs?: number;
    interactiveRequestMs?: number;
    interactiveFirstByteMs?: number;
  };
  breaker?: {
    consecutiveFailures?: number;
    failureRate?: number;
    minRequests?: number;
    windowMs?: number;
    openMs?: number;
  };
  fallback?: {
    chains?: Record<
      string,
      Array<{ provider: 'anthropic' | 'openai' | 'gemini' | 'openaiCompatible'; model?: string }>
    >;
    allowCostlier?: boolean;
    staleCache?: boolean;
    simplifiedResponse?: boolean;
  };
}

/** Small delays, so a whole matrix runs in seconds; a breaker that a matrix cell cannot trip. */
export const HOUR = 3_600_000;

/** Every timeout an hour: for cells about framing or cancellation, where no timer may end a request. */
export const HOUR_TIMEOUTS = {
  firstByteMs: HOUR,
  streamIdleMs: HOUR,
  requestMs: HOUR,
  interactiveRequestMs: HOUR,
  interactiveFirstByteMs: HOUR,
};

export const FAST: Required<Pick<ResilienceOverrides, 'baseDelayMs' | 'maxDelayMs' | 'retryBudgetMs' | 'maxAttempts'>> &
  ResilienceOverrides = {
  baseDelayMs: 40,
  maxDelayMs: 200,
  retryBudgetMs: 5000,
  maxAttempts: 4,
  timeouts: { firstByteMs: 1500, streamIdleMs: 800, requestMs: 20_000 },
  breaker: { consecutiveFailures: 100, openMs: 1500, minRequests: 1000 },
  fallback: { simplifiedResponse: false },
};

/**
 * One real daemon in its own CONDUIT_HOME, with its own config.json, and one fake server per
 * wire provider: each fake's FIFO queue then belongs to one provider, and a cell of one provider
 * can reset its fake without touching cells of the others running at the same time.
 */
/** One FaultEnv for a file: started before its tests (handed to `set`), disposed after them. */
export function useFaultEnv(config: ResilienceOverrides, set: (env: FaultEnv) => void): void {
  let env: FaultEnv | undefined;
  beforeAll(async () => {
    env = await FaultEnv.start(config);
    set(env);
  });
  afterAll(async () => {
    await env?.dispose();
  });
}

export class FaultEnv {
  private constructor(
    readonly h: DaemonHarness,
    readonly fakes: Record<Wire, FakeProviderServer>,
    readonly client: DaemonClient,
    readonly resilience: ResilienceOverrides,
  ) {}

  static async start(resilience: ResilienceOverrides): Promise<FaultEnv> {
    const [anthropic, openai, gemini] = await Promise.all(WIRES.map(() => FakeProviderServer.start()));
    const fakes = { anthropic: anthropic!, openai: openai!, gemini: gemini! };
    const h = new DaemonHarness(anthropic!.url, {
      ANTHROPIC_BASE_URL: fakes.anthropic.url,
      OPENAI_BASE_URL: `${fakes.openai.url}/v1`,
      GOOGLE_GEMINI_BASE_URL: fakes.gemini.url,
    });
    // Read once, when the daemon starts: it must be in place before the first connect.
    // Rate limiting off: a scripted 429 with a retry-after would pause the provider for the
    // cells after it (every client backs off together); test/integration/rateLimit*.test.ts cover that.
    fs.writeFileSync(
      path.join(h.home, 'config.json'),
      JSON.stringify({ resilience, rateLimit: { enabled: false } }, null, 2),
    );
    const client = await h.connect();
    const env = new FaultEnv(h, fakes, client, resilience);
    // A config the daemon refused would silently mean the 1 s/30 s defaults.
    if (/config invalid/.test(h.logText())) throw new Error(`the daemon refused config.json:\n${h.logText()}`);
    return env;
  }

  /** The requests one cell's model made to its provider. */
  requests(wire: Wire, model: string): RecordedRequest[] {
    return this.fakes[wire].requestsFor(wire).filter((r) => r.model === model);
  }

  async circuits(): Promise<CircuitStatus[]> {
    const r = await this.h.cli(['status', '--json']);
    if (r.code !== 0) throw new Error(`conduit status failed: ${r.stderr}`);
    return (JSON.parse(r.stdout) as { circuits: CircuitStatus[] }).circuits;
  }

  async circuit(key: string): Promise<CircuitStatus | undefined> {
    return (await this.circuits()).find((c) => c.key === key);
  }

  async dispose(): Promise<void> {
    this.client.close();
    await this.h.dispose();
    await Promise.all(WIRES.map((w) => this.fakes[w].stop()));
  }
}

/** Runs one task at a time per key: cells of one provider share that provider's FIFO queue. */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const tail = this.#tails.get(key) ?? Promise.resolve();
    const result = tail.then(fn);
    this.#tails.set(
      key,
      result.then(
        () => undefined,
        () => undefined,
      ),
    );
    return result;
  }
}

export type Outcome =
  | { ok: true; result: ChatResult; chunks: ChatChunk[]; elapsedMs: number }
  | { ok: false; error: ConduitError; chunks: ChatChunk[]; elapsedMs: number };

/** One chat through the real client; a non-Conduit error is a test failure and is rethrown. */
export async function chat(client: DaemonClient, request: ChatRequest): Promise<Outcome> {
  const chunks: ChatChunk[] = [];
  const started = Date.now();
  try {
    const result = await client.chat(request, { onChunk: (c) => chunks.push(c) });
    return { ok: true, result, chunks, elapsedMs: Date.now() - started };
  } catch (err) {
    if (!(err instanceof ConduitError)) throw err;
    return { ok: false, error: err, chunks, elapsedMs: Date.now() - started };
  }
}

/** The attempt log, whichever way the request ended. */
export function attemptLogOf(o: Outcome): AttemptLogEntry[] {
  if (o.ok) return o.result.attemptLog;
  return o.error.data.attemptLog ?? [];
}

export function codeOf(o: Outcome): 'ok' | ErrorCode {
  return o.ok ? 'ok' : o.error.code;
}

/** A readable one-liner for assertion messages. */
export function describeOutcome(o: Outcome): string {
  const log = attemptLogOf(o)
    .map((a) => `${a.error ?? 'ok'}${a.status !== undefined ? `/${a.status}` : ''}+${a.delayMs}ms`)
    .join(', ');
  return o.ok
    ? `ok after [${log}]: ${JSON.stringify(o.result.text)}`
    : `${o.error.code} after [${log}]: ${o.error.message}`;
}

/** The streamed text the client received, after checking the chunks are in order and gap-free. */
export function chunkText(chunks: ChatChunk[]): string {
  chunks.forEach((c, i) => {
    if (c.seq !== i) throw new Error(`chunk ${i} has seq ${c.seq}: chunks were lost or reordered`);
  });
  return chunks.map((c) => c.delta).join('');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
