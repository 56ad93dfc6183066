import { describe, it } from 'vitest';
import type { ErrorCode } from '../../protocol';
import type { ScriptedResponse } from '../fakes/fakeProvider';
import {
  FAST,
  FaultEnv,
  KeyedMutex,
  WIRES,
  attemptLogOf,
  chat,
  chunkText,
  codeOf,
  describeOutcome,
  type Wire,
  useFaultEnv,
} from './faultMatrixHelpers';

/**
 * The fault matrix: HTTP status × headers × provider, through the real daemon process, its real
 * SDK adapters and a real DaemonClient, against the fake provider. Every cell asserts the exact
 * number of attempts, the wait before each one, the final code and how many requests the fake
 * saw. Each cell has its own model, so its own circuit breaker; cells of one provider run one
 * after the other (they share that provider's script queue), the three providers side by side.
 */

const BASE = FAST.baseDelayMs;
const MAX = FAST.maxDelayMs;

/**
 * The wait before an attempt: a server hint, honoured exactly (or, for a future HTTP date, until
 * that moment: how long that is depends on when the daemon read it), or full-jitter backoff.
 */
type Delay = { hint: number } | { until: () => number } | 'backoff';

interface Cell {
  id: string;
  wire: Wire;
  what: string;
  stream?: boolean;
  /** A function, so an HTTP date is computed when the cell runs. */
  scripts: () => ScriptedResponse[];
  outcome: 'ok' | ErrorCode;
  /** Code and HTTP status of each failed attempt, in order. */
  failures: Array<[ErrorCode, number]>;
  /** Before attempts 2…n. */
  delays: Delay[];
  retryAfterMs?: number;
  message?: RegExp;
}

const okText = (id: string): string => `answer for cell ${id}, complete.`;
const ok = (id: string): ScriptedResponse => ({ text: okText(id), chunks: 3 });

/** A plain rate limit; Gemini's fake adds a QuotaFailure to 429s unless told not to. */
function rateLimit(wire: Wire, headers: Record<string, string>, retryDelay?: string): ScriptedResponse {
  return {
    status: 429,
    headers,
    ...(wire === 'gemini'
      ? { error: { quotaFailure: false, ...(retryDelay !== undefined ? { retryDelay } : {}) } }
      : {}),
  };
}

/** "Overloaded" as each provider says it: Anthropic 529, OpenAI 503, Gemini 503 UNAVAILABLE. */
function overload(wire: Wire): { script: ScriptedResponse; code: ErrorCode; status: number } {
  switch (wire) {
    case 'anthropic':
      return { script: { status: 529 }, code: 'overloaded', status: 529 };
    case 'openai':
      return { script: { status: 503 }, code: 'server_error', status: 503 };
    case 'gemini':
      return { script: { status: 503 }, code: 'overloaded', status: 503 };
  }
}

/** Out of credit: Anthropic 402 billing_error, OpenAI 429 insufficient_quota, Gemini 429 with a QuotaFailure. */
function quota(wire: Wire, headers: Record<string, string> = {}): { script: ScriptedResponse; status: number } {
  switch (wire) {
    case 'anthropic':
      return { script: { status: 402, headers }, status: 402 };
    case 'openai':
      return { script: { status: 429, headers, error: { code: 'insufficient_quota' } }, status: 429 };
    case 'gemini':
      return { script: { status: 429, headers, error: { quotaFailure: true } }, status: 429 };
  }
}

const HTML_502 =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

function cellsFor(wire: Wire): Cell[] {
  const c = (id: string, rest: Omit<Cell, 'id' | 'wire'>): Cell => ({ id: `${wire.slice(0, 2)}-${id}`, wire, ...rest });
  const rl: [ErrorCode, number] = ['rate_limited', 429];
  /** The moment radatefut's HTTP date names, set when its script is made. */
  let retryAt = 0;
  const ov = overload(wire);
  const q = quota(wire);
  const cells: Cell[] = [
    c('ra01', {
      what: 'retry-after: 0.1 is waited exactly, then success',
      stream: true,
      scripts: () => [rateLimit(wire, { 'retry-after': '0.1' })],
      outcome: 'ok',
      failures: [rl],
      delays: [{ hint: 100 }],
    }),
    c('ra2', {
      what: 'retry-after: 2 is waited exactly, then success',
      scripts: () => [rateLimit(wire, { 'retry-after': '2' })],
      outcome: 'ok',
      failures: [rl],
      delays: [{ hint: 2000 }],
    }),
    c('ra120', {
      what: 'retry-after: 120 is over the 5 s budget: fails fast, saying how long',
      scripts: () => [rateLimit(wire, { 'retry-after': '120' })],
      outcome: 'rate_limited',
      failures: [rl],
      delays: [],
      retryAfterMs: 120_000,
      message: /asks to wait 120 s \(retry-after: 120\), more than the 5 s retry budget/,
    }),
    c('radate', {
      what: 'retry-after as a past HTTP date: retried at once',
      scripts: () => [rateLimit(wire, { 'retry-after': new Date(Date.now() - 60_000).toUTCString() })],
      outcome: 'ok',
      failures: [rl],
      delays: [{ hint: 0 }],
    }),
    c('ra0', {
      what: 'retry-after: 0: retried at once',
      scripts: () => [rateLimit(wire, { 'retry-after': '0' })],
      outcome: 'ok',
      failures: [rl],
      delays: [{ hint: 0 }],
    }),
    c('radatefut', {
      what: 'retry-after as an HTTP date 2 s ahead: waited until then',
      scripts: () => {
        // Whole seconds, as an HTTP date has them.
        retryAt = Math.floor((Date.now() + 2000) / 1000) * 1000;
        return [rateLimit(wire, { 'retry-after': new Date(retryAt).toUTCString() })];
      },
      outcome: 'ok',
      failures: [rl],
      delays: [{ until: () => retryAt }],
    }),
    c('rabudget', {
      what: 'retry-after: 3 twice: the second no longer fits what is left of the 5 s budget, fails fast',
      scripts: () => [rateLimit(wire, { 'retry-after': '3' }), rateLimit(wire, { 'retry-after': '3' })],
      outcome: 'rate_limited',
      failures: [rl, rl],
      delays: [{ hint: 3000 }],
      retryAfterMs: 3000,
      message: /asks to wait 3 s \(retry-after: 3\), more than the 2 s left of the 5 s retry budget/,
    }),
    c('raabc', {
      what: 'retry-after: abc is ignored: normal backoff',
      scripts: () => [rateLimit(wire, { 'retry-after': 'abc' })],
      outcome: 'ok',
      failures: [rl],
      delays: ['backoff'],
    }),
    c('raneg', {
      what: 'retry-after: -5 is ignored: normal backoff, twice',
      scripts: () => [rateLimit(wire, { 'retry-after': '-5' }), rateLimit(wire, { 'retry-after': '-5' })],
      outcome: 'ok',
      failures: [rl, rl],
      delays: ['backoff', 'backoff'],
    }),
    c('rams0', {
      what: 'retry-after-ms: 0: retried at once',
      scripts: () => [rateLimit(wire, { 'retry-after-ms': '0' })],
      outcome: 'ok',
      failures: [rl],
      delays: [{ hint: 0 }],
    }),
    c('ramsprec', {
      what: 'retry-after-ms wins over retry-after',
      scripts: () => [rateLimit(wire, { 'retry-after-ms': '150', 'retry-after': '3' })],
      outcome: 'ok',
      failures: [rl],
      delays: [{ hint: 150 }],
    }),
    c('rams-bad', {
      what: 'an unparseable retry-after-ms does not hide a valid retry-after: 0.1',
      scripts: () => [rateLimit(wire, { 'retry-after-ms': 'soon', 'retry-after': '0.1' })],
      outcome: 'ok',
      failures: [rl],
      delays: [{ hint: 100 }],
    }),
    c('xsrf429', {
      what: 'x-should-retry: false on a 429 with retry-after: 0.1: one attempt, the hint still reported',
      scripts: () => [rateLimit(wire, { 'x-should-retry': 'false', 'retry-after': '0.1' })],
      outcome: 'rate_limited',
      failures: [rl],
      delays: [],
      retryAfterMs: 100,
    }),
    c('raall', {
      what: 'four 429s with retry-after-ms: 30: gives up after 4 attempts',
      scripts: () => Array.from({ length: 4 }, () => rateLimit(wire, { 'retry-after-ms': '30' })),
      outcome: 'rate_limited',
      failures: [rl, rl, rl, rl],
      delays: [{ hint: 30 }, { hint: 30 }, { hint: 30 }],
      retryAfterMs: 30,
      message: /Gave up after 4 attempts\.$/,
    }),
    c('over4', {
      what: `${ov.status} without a hint, four times: backoff, then ${ov.code}`,
      stream: true,
      scripts: () => [ov.script, ov.script, ov.script, ov.script],
      outcome: ov.code,
      failures: [
        [ov.code, ov.status],
        [ov.code, ov.status],
        [ov.code, ov.status],
        [ov.code, ov.status],
      ],
      delays: ['backoff', 'backoff', 'backoff'],
      message: /Gave up after 4 attempts\.$/,
    }),
    c('over3ok', {
      what: `${ov.status} twice, then success on attempt 3`,
      stream: true,
      scripts: () => [ov.script, ov.script],
      outcome: 'ok',
      failures: [
        [ov.code, ov.status],
        [ov.code, ov.status],
      ],
      delays: ['backoff', 'backoff'],
    }),
    c('ovra', {
      what: `${ov.status} with retry-after: 0.15: the hint wins over the backoff`,
      scripts: () => [{ ...ov.script, headers: { 'retry-after': '0.15' } }],
      outcome: 'ok',
      failures: [[ov.code, ov.status]],
      delays: [{ hint: 150 }],
    }),
    c('quota', {
      what: `quota (${q.status}): one attempt, quota_exhausted`,
      scripts: () => [q.script],
      outcome: 'quota_exhausted',
      failures: [['quota_exhausted', q.status]],
      delays: [],
      message: /out of credit/,
    }),
    c('s500', {
      what: '500, then success',
      stream: true,
      scripts: () => [{ status: 500 }],
      outcome: 'ok',
      failures: [['server_error', 500]],
      delays: ['backoff'],
    }),
    c('s502', {
      what: '502 with an HTML body, then success',
      scripts: () => [{ status: 502, rawBody: HTML_502 }],
      outcome: 'ok',
      failures: [['server_error', 502]],
      delays: ['backoff'],
    }),
    c('s503', {
      what: '503 with an empty body, then success',
      stream: true,
      scripts: () => [{ status: 503, rawBody: '' }],
      outcome: 'ok',
      failures: [['server_error', 503]],
      delays: ['backoff'],
    }),
    c('s504', {
      what: '504, then success',
      scripts: () => [{ status: 504 }],
      outcome: 'ok',
      failures: [['timeout', 504]],
      delays: ['backoff'],
    }),
    c('s408', {
      what: '408, then success',
      scripts: () => [{ status: 408 }],
      outcome: 'ok',
      failures: [['timeout', 408]],
      delays: ['backoff'],
    }),
    c('s500x4', {
      what: '500 four times: gives up with server_error',
      scripts: () => [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }],
      outcome: 'server_error',
      failures: [
        ['server_error', 500],
        ['server_error', 500],
        ['server_error', 500],
        ['server_error', 500],
      ],
      delays: ['backoff', 'backoff', 'backoff'],
      message: /Gave up after 4 attempts\.$/,
    }),
    c('s400', {
      what: '400: one attempt',
      scripts: () => [{ status: 400 }],
      outcome: 'invalid_request',
      failures: [['invalid_request', 400]],
      delays: [],
    }),
    c('s401', {
      what: '401: one attempt',
      scripts: () => [{ status: 401 }],
      outcome: 'auth',
      failures: [['auth', 401]],
      delays: [],
    }),
    c('s403', {
      what: '403: one attempt',
      scripts: () => [{ status: 403 }],
      outcome: 'permission',
      failures: [['permission', 403]],
      delays: [],
    }),
    c('s404', {
      what: '404: one attempt',
      scripts: () => [{ status: 404 }],
      outcome: 'not_found',
      failures: [['not_found', 404]],
      delays: [],
    }),
    c('s413', {
      what: '413: one attempt',
      scripts: () => [{ status: 413 }],
      outcome: 'too_large',
      failures: [['too_large', 413]],
      delays: [],
    }),
    c('s422', {
      what: '422: one attempt',
      scripts: () => [{ status: 422 }],
      outcome: 'invalid_request',
      failures: [['invalid_request', 422]],
      delays: [],
    }),
    c('xsrf', {
      what: 'x-should-retry: false on a 503: one attempt',
      scripts: () => [{ status: 503, headers: { 'x-should-retry': 'false' } }],
      outcome: wire === 'gemini' ? 'overloaded' : 'server_error',
      failures: [[wire === 'gemini' ? 'overloaded' : 'server_error', 503]],
      delays: [],
    }),
    c('xsrt', {
      what: 'x-should-retry: true on a 400: retried',
      scripts: () => [{ status: 400, headers: { 'x-should-retry': 'true' } }],
      outcome: 'ok',
      failures: [['invalid_request', 400]],
      delays: ['backoff'],
    }),
  ];
  if (wire !== 'gemini') {
    const qh = quota(wire, { 'retry-after': '0.1' });
    cells.push(
      c('quotahint', {
        what: 'quota with retry-after: 0.1: still one attempt',
        scripts: () => [qh.script],
        outcome: 'quota_exhausted',
        failures: [['quota_exhausted', qh.status]],
        delays: [],
        retryAfterMs: 100,
      }),
    );
  } else {
    cells.push(
      c('retryinfo', {
        what: 'RetryInfo retryDelay 0.2s on a 429 without QuotaFailure: waits 200 ms',
        scripts: () => [rateLimit(wire, {}, '0.2s')],
        outcome: 'ok',
        failures: [rl],
        delays: [{ hint: 200 }],
      }),
      c('retryinfo120', {
        what: 'RetryInfo retryDelay 120s: over budget, fails fast',
        scripts: () => [rateLimit(wire, {}, '120s')],
        outcome: 'rate_limited',
        failures: [rl],
        delays: [],
        retryAfterMs: 120_000,
        message: /asks to wait 120 s \(RetryInfo: 120000\)/,
      }),
    );
  }
  return cells;
}

const byWire = WIRES.map(cellsFor);
/** Interleaved, so the cells vitest starts together belong to different providers. */
const cells: Cell[] = [];
for (let i = 0; i < Math.max(...byWire.map((l) => l.length)); i++)
  for (const list of byWire) if (list[i]) cells.push(list[i]!);

describe.concurrent('fault matrix: status × headers × provider, through the real daemon', () => {
  let env: FaultEnv;
  const mutex = new KeyedMutex();

  useFaultEnv(FAST, (e) => {
    env = e;
  });

  it('has at least 40 cells, over all three providers', ({ expect }) => {
    expect(cells.length).toBeGreaterThanOrEqual(40);
    for (const wire of WIRES) expect(cells.filter((c) => c.wire === wire).length).toBeGreaterThanOrEqual(20);
    for (const cell of cells)
      expect(cell.delays.length, cell.id).toBe(cell.failures.length + (cell.outcome === 'ok' ? 1 : 0) - 1);
  });

  for (const cell of cells) {
    it(`${cell.wire} ${cell.id}: ${cell.what}${cell.stream ? ' (streamed)' : ''}`, async ({ expect }) => {
      const { wire, id } = cell;
      const model = `m-${id}`;
      const fake = env.fakes[wire];
      await mutex.run(wire, async () => {
        try {
          fake.enqueue(wire, ...cell.scripts(), ...(cell.outcome === 'ok' ? [ok(id)] : []));
          const o = await chat(env.client, {
            messages: [{ role: 'user', content: `cell ${id}` }],
            provider: wire,
            model,
            stream: cell.stream ?? false,
            max_tokens: 32,
          });
          const why = `${cell.id}: ${describeOutcome(o)}`;
          const attempts = cell.failures.length + (cell.outcome === 'ok' ? 1 : 0);
          const log = attemptLogOf(o);

          // The outcome and the exact attempts.
          expect(codeOf(o), why).toBe(cell.outcome);
          expect(log.length, why).toBe(attempts);
          cell.failures.forEach(([code, status], i) => {
            expect(log[i], why).toMatchObject({ provider: wire, model, error: code, status });
          });
          if (o.ok) {
            expect(log[attempts - 1]!.error, why).toBeUndefined();
            expect(o.result.attempts).toBe(attempts);
            expect(o.result.text).toBe(okText(id));
            expect(o.result.provider).toBe(wire);
            expect(o.result.model).toBe(model);
            expect(o.result.fallbacks).toEqual([]);
            expect(o.result.degraded).toBeUndefined();
            // Streamed: the client got the answer once, whole, from the successful attempt only.
            if (cell.stream) expect(chunkText(o.chunks)).toBe(okText(id));
            else expect(o.chunks).toEqual([]);
          } else {
            const data = o.error.data;
            const [lastCode, lastStatus] = cell.failures[cell.failures.length - 1]!;
            expect(data.code).toBe(lastCode);
            expect(data.provider).toBe(wire);
            expect(data.model).toBe(model);
            expect(data.status).toBe(lastStatus);
            expect(data.fallbacks).toBeUndefined();
            expect(o.chunks).toEqual([]);
            if (cell.retryAfterMs !== undefined) expect(data.retryAfterMs, why).toBe(cell.retryAfterMs);
            if (cell.message) expect(o.error.message).toMatch(cell.message);
          }

          const seenAt = (i: number): number => env.requests(wire, model)[i]!.receivedAt;
          // The waits: none before the first attempt, then the hint exactly or jittered backoff.
          expect(log[0]!.delayMs, why).toBe(0);
          cell.delays.forEach((rule, k) => {
            const delayMs = log[k + 1]!.delayMs;
            if (rule === 'backoff') {
              expect(delayMs, `${why}: backoff before attempt ${k + 2}`).toBeGreaterThanOrEqual(0);
              expect(delayMs, `${why}: backoff before attempt ${k + 2}`).toBeLessThanOrEqual(
                Math.min(MAX, BASE * 2 ** k),
              );
            } else if ('until' in rule) {
              // No more than the date was ahead when it was written; the retry's time is checked below.
              expect(delayMs, `${why}: hinted wait before attempt ${k + 2}`).toBeGreaterThanOrEqual(0);
              expect(delayMs, `${why}: hinted wait before attempt ${k + 2}`).toBeLessThanOrEqual(2000);
              expect(seenAt(k + 1), `${why}: attempt ${k + 2} before the date`).toBeGreaterThanOrEqual(rule.until());
            } else {
              expect(delayMs, `${why}: hinted wait before attempt ${k + 2}`).toBe(rule.hint);
            }
          });

          // What the fake saw: one request per attempt, and the waits really happened between them.
          const seen = env.requests(wire, model);
          expect(seen.length, why).toBe(attempts);
          expect(fake.pending(wire), `${why}: scripts left unused`).toBe(0);
          for (const r of seen) expect(r.stream).toBe(cell.stream ?? false);
          cell.delays.forEach((rule, k) => {
            const gap = seen[k + 1]!.receivedAt - seen[k]!.receivedAt;
            const planned = log[k + 1]!.delayMs;
            // The wait really happened. Its length is checked exactly above (the attempt log's
            // delayMs); an upper bound on the wall-clock gap would only measure the machine's load.
            expect(gap, `${why}: gap before attempt ${k + 2}`).toBeGreaterThanOrEqual(planned - 5);
          });
        } finally {
          // A cell that failed must not leave scripts behind for the next cell of this provider.
          if (fake.pending(wire) > 0) fake.reset();
        }
      });
    });
  }
});
