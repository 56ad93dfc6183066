/**
 * How much of a provider's rate limit the limiter uses after the bucket runs out. The issue's
 * scenario, in virtual time (so it runs in a moment and measures the limiter, not the machine):
 * a provider with 30 requests a minute whose bucket refills continuously, as Anthropic and
 * OpenAI document theirs, 50 ms each way on the network; the bucket is emptied, then 8 requests
 * arrive at once, then a minute of steady demand. Prints, per provider's header style, when the
 * first request after exhaustion went out, how long the 8 took, the share of the limit used over
 * the minute, and the upstream 429s. The provider side is test/fakes/providerBucket.ts, the same
 * emulation the integration tests run against.
 */
import { setMaxListeners } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProviderId } from '../protocol';
import { ProviderLimiter, type Permit } from '../daemon/ratelimit/providerLimiter';
import type { Timers } from '../daemon/resilience/timers';
import { ProviderBuckets } from '../test/fakes/providerBucket';

const LIMIT = 30;
const WINDOW = 60_000;
const LATENCY = 50;

class VirtualTime implements Timers {
  private t = 1_000_000;
  private seq = 0;
  private readonly queue: Array<{ at: number; seq: number; fn: () => void }> = [];
  now = (): number => this.t;
  setTimeout(fn: () => void, ms: number): unknown {
    const entry = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.queue.push(entry);
    return entry;
  }
  clearTimeout(handle: unknown): void {
    const i = this.queue.indexOf(handle as (typeof this.queue)[number]);
    if (i >= 0) this.queue.splice(i, 1);
  }
  /** Runs timers in order, letting promises settle between them, until none is left or `until`. */
  async run(until: number): Promise<void> {
    for (;;) {
      await settle();
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      if (!next || next.at > until) return;
      this.queue.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

interface Outcome {
  provider: ProviderId;
  firstAfterEmptyMs: number;
  eightTookMs: number;
  minuteUtilization: number;
  upstream429: number;
}

async function scenario(provider: 'anthropic' | 'openai' | 'gemini'): Promise<Outcome> {
  const time = new VirtualTime();
  const fake = new ProviderBuckets(provider, { requests: { limit: LIMIT, windowMs: WINDOW } }, time.now());
  const limiter = new ProviderLimiter({
    provider,
    keyId: 'bench',
    tier: 'custom',
    limits: { rpm: LIMIT, burst: LIMIT },
    margin: 0.02,
    maxQueue: 10_000,
    now: time.now,
    timers: time,
  });
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  const estimate = { input: 10, output: 10 };
  const done: number[] = [];

  const send = async (): Promise<void> => {
    for (;;) {
      const permit: Permit =
        limiter.tryAcquire(estimate, 'interactive') ??
        (await limiter.acquire(estimate, { priority: 'interactive', signal }));
      const answer = await new Promise<{ ok: boolean; headers: Record<string, string>; retryMs: number }>((resolve) => {
        time.setTimeout(() => {
          const v = fake.check(time.now(), estimate);
          const headers = provider === 'gemini' ? {} : fake.headers(time.now());
          time.setTimeout(() => resolve({ ok: v.ok, headers, retryMs: v.ok ? 0 : v.retryAfterMs }), LATENCY);
        }, LATENCY);
      });
      if (answer.ok) {
        permit.settle(estimate, answer.headers);
        done.push(time.now());
        return;
      }
      // Anthropic's retry-after is whole seconds; OpenAI adds retry-after-ms; Gemini's RetryInfo is exact.
      const pauseMs = provider === 'anthropic' ? Math.ceil(answer.retryMs / 1000) * 1000 : answer.retryMs;
      permit.fail({ status: 429, headers: answer.headers, pauseMs });
    }
  };

  const fill = Array.from({ length: LIMIT }, () => send());
  await time.run(time.now() + 5_000);
  await Promise.all(fill);
  const emptied = fake.accepted[fake.accepted.length - 1]!.at;
  const eight = Array.from({ length: 8 }, () => send());
  const t8 = time.now();
  await time.run(time.now() + 10 * WINDOW);
  await Promise.all(eight);
  const eightTookMs = Math.max(...done.slice(LIMIT)) - t8;
  const firstAfterEmptyMs = fake.accepted[LIMIT]!.at - emptied;
  // A minute of steady demand: twice what the limit allows, all waiting at once.
  const start = time.now();
  const minute = Array.from({ length: 2 * LIMIT }, () => send());
  await time.run(start + WINDOW);
  const sentInMinute = fake.accepted.filter((a) => a.at >= start && a.at < start + WINDOW).length;
  await time.run(start + 10 * WINDOW);
  await Promise.all(minute);
  return {
    provider,
    firstAfterEmptyMs,
    eightTookMs,
    minuteUtilization: sentInMinute / LIMIT,
    upstream429: fake.rejected.length,
  };
}

async function main(): Promise<void> {
  const rows: Outcome[] = [];
  for (const p of ['anthropic', 'openai', 'gemini'] as const) rows.push(await scenario(p));
  console.log(
    `\nRefill after exhaustion (virtual time; ${LIMIT} requests/min, continuous provider bucket, ${LATENCY} ms each way, margin 2%)`,
  );
  console.log(
    'provider   | first request after empty | 8 requests took | limit used over the next minute | upstream 429s',
  );
  for (const r of rows) {
    console.log(
      `${r.provider.padEnd(10)} | ${`${(r.firstAfterEmptyMs / 1000).toFixed(2)} s`.padStart(25)} | ${`${(r.eightTookMs / 1000).toFixed(2)} s`.padStart(15)} | ${`${(r.minuteUtilization * 100).toFixed(1)} %`.padStart(30)} | ${String(r.upstream429).padStart(13)}`,
    );
  }
  const dir = path.resolve(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'refill.json'),
    JSON.stringify({ limitPerMinute: LIMIT, latencyMs: LATENCY, rows }, null, 2),
  );
}

void main();
