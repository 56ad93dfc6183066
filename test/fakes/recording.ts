import { createHash } from 'node:crypto';
import type { WireProvider } from './script';

/** `dropped`: the fake itself cut the connection (a scripted reset, or the server stopping). */
export type RequestOutcome = 'finished' | 'aborted' | 'dropped';

export interface RecordedRequestInit {
  seq: number;
  provider: WireProvider | null;
  method: string;
  path: string;
  prefix: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  apiKey: string | null;
  stream: boolean;
  model: string | null;
  /** The client's port: the same port on two requests means a kept-alive connection. */
  remotePort: number | null;
  /** sha256 (hex) of the body's bytes as they arrived, for checking a signature over them. */
  bodySha256?: string;
}

const secretHeaders = new Set(['authorization', 'x-api-key', 'x-goog-api-key', 'api-key']);

/**
 * One request the fake received. The key and headers are here in full for in-process tests;
 * `toJSON` (which the control endpoint and any logging go through) redacts them, so a key never
 * leaves the test process.
 */
export class RecordedRequest {
  readonly seq: number;
  readonly provider: WireProvider | null;
  readonly method: string;
  readonly path: string;
  readonly prefix: string;
  readonly query: Record<string, string>;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly apiKey: string | null;
  readonly stream: boolean;
  readonly model: string | null;
  readonly remotePort: number | null;
  readonly bodySha256: string | undefined;
  readonly receivedAt = Date.now();
  /** Resolves with Date.now() when the client closed the socket before the response finished. */
  readonly aborted: Promise<number>;
  /** Resolves when the exchange is over, either way. */
  readonly outcome: Promise<RequestOutcome>;
  #abortedAt: number | null = null;
  #settle: (outcome: RequestOutcome) => void = () => {};
  #abort: (at: number) => void = () => {};

  constructor(init: RecordedRequestInit) {
    this.seq = init.seq;
    this.provider = init.provider;
    this.method = init.method;
    this.path = init.path;
    this.prefix = init.prefix;
    this.query = init.query;
    this.headers = init.headers;
    this.body = init.body;
    this.bodySha256 = init.bodySha256;
    this.apiKey = init.apiKey;
    this.stream = init.stream;
    this.model = init.model;
    this.remotePort = init.remotePort;
    this.aborted = new Promise((resolve) => (this.#abort = resolve));
    this.outcome = new Promise((resolve) => (this.#settle = resolve));
  }

  get abortedAt(): number | null {
    return this.#abortedAt;
  }

  /** Called by the server when the response ends; the first call wins. */
  settle(outcome: RequestOutcome): void {
    if (outcome === 'aborted' && this.#abortedAt === null) {
      this.#abortedAt = Date.now();
      this.#abort(this.#abortedAt);
    }
    this.#settle(outcome);
  }

  /** Waits for the client to drop the connection, or rejects after `timeoutMs`. */
  waitForAbort(timeoutMs = 2000): Promise<number> {
    return withTimeout(this.aborted, timeoutMs, `request #${this.seq} was not aborted within ${timeoutMs} ms`);
  }

  toJSON(): Record<string, unknown> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.headers)) {
      headers[name] = secretHeaders.has(name) ? '[redacted]' : value;
    }
    const query = { ...this.query };
    if ('key' in query) query.key = '[redacted]';
    return {
      seq: this.seq,
      provider: this.provider,
      method: this.method,
      path: this.path,
      prefix: this.prefix,
      query,
      headers,
      body: this.body,
      apiKey: fingerprint(this.apiKey),
      stream: this.stream,
      model: this.model,
      receivedAt: this.receivedAt,
      abortedAt: this.#abortedAt,
    };
  }
}

/** Enough to tell two keys apart in a manual run, never enough to use one. */
function fingerprint(key: string | null): string | null {
  return key === null ? null : `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** The requests received so far, and waiting for more. */
export class Recorder {
  readonly requests: RecordedRequest[] = [];
  #waiters: Array<{ n: number; resolve: () => void }> = [];

  add(request: RecordedRequest): void {
    this.requests.push(request);
    const ready = this.#waiters.filter((w) => this.requests.length >= w.n);
    this.#waiters = this.#waiters.filter((w) => this.requests.length < w.n);
    for (const w of ready) w.resolve();
  }

  clear(): void {
    this.requests.length = 0;
  }

  /** Resolves with the first `n` requests once that many have arrived. */
  async waitForRequests(n: number, timeoutMs = 5000): Promise<RecordedRequest[]> {
    if (this.requests.length < n) {
      const arrived = new Promise<void>((resolve) => this.#waiters.push({ n, resolve }));
      await withTimeout(
        arrived,
        timeoutMs,
        `expected ${n} requests within ${timeoutMs} ms, got ${this.requests.length}`,
      );
    }
    return this.requests.slice(0, n);
  }
}
