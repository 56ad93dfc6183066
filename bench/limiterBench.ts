/**
 * What the rate limiter adds to a request when it is not limiting, side by side in one run:
 * - no limiter: the same per-attempt wrapper with the limiter off;
 * - our fast path: tryAcquire, then settle with the real usage and a response's Anthropic
 *   rate-limit headers (parsed, as in the daemon), plus the same wrapper;
 * - Bottleneck: `schedule()` of the same job on an empty limiter with no limits at all.
 * Rounds alternate so drift on a shared machine hits every side. Prints ns/op and writes JSON.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Bottleneck from 'bottleneck';
import { emptyUsage } from '../protocol';
import { limitedCall } from '../daemon/gateway/limitedCall';
import type { CallOutcome } from '../daemon/gateway/providerCall';
import { ProviderLimiter } from '../daemon/ratelimit/providerLimiter';

const quick = process.argv.includes('--quick');
const repo = path.resolve(__dirname, '..', '..');

const reset = new Date(Date.now() + 1000).toISOString();
// Every header is parsed, as in the daemon; the numbers are above the limits so nothing tightens.
const big = String(1e16);
const headers: Record<string, string> = {
  'anthropic-ratelimit-requests-limit': big,
  'anthropic-ratelimit-requests-remaining': big,
  'anthropic-ratelimit-requests-reset': reset,
  'anthropic-ratelimit-input-tokens-limit': big,
  'anthropic-ratelimit-input-tokens-remaining': big,
  'anthropic-ratelimit-input-tokens-reset': reset,
  'anthropic-ratelimit-output-tokens-limit': big,
  'anthropic-ratelimit-output-tokens-remaining': big,
  'anthropic-ratelimit-output-tokens-reset': reset,
};
const outcome: CallOutcome = {
  text: 'hi',
  model: 'm',
  usage: { ...emptyUsage(), input_tokens: 40, output_tokens: 20 },
  stopReason: 'end_turn',
  headers,
  ttftMs: null,
};
const estimate = { input: 50, output: 1024 };
const signal = new AbortController().signal;

// Limits so high that nothing ever waits: this measures the bookkeeping alone.
const huge = () =>
  new ProviderLimiter({
    provider: 'anthropic',
    keyId: 'bench',
    tier: 'custom',
    limits: { rpm: 1e12, itpm: 1e15, otpm: 1e15 },
    margin: 0.02,
    maxQueue: 100,
  });

async function timeAsync(n: number, op: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await op();
  return Number(process.hrtime.bigint() - t) / n;
}

function timeSync(n: number, op: () => void): number {
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) op();
  return Number(process.hrtime.bigint() - t) / n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  // Bottleneck's timers are unref'd: without a ref'd handle Node would exit mid-await.
  const keepAlive = setInterval(() => undefined, 1000);
  const rounds = quick ? 3 : 7;
  const n = quick ? 20_000 : 200_000;
  const nBottleneck = quick ? 100 : 500;
  const ours = huge();
  const bottleneck = new Bottleneck();
  const call = () => Promise.resolve(outcome);
  const sides: Record<string, number[]> = {
    'no limiter (wrapper only)': [],
    'our fast path (acquire + settle, in the wrapper)': [],
    'our fast path alone (sync acquire + settle)': [],
    'bottleneck schedule, empty limiter': [],
  };
  // Warm-up, so the JIT has compiled every side before it is timed.
  await timeAsync(n / 10, () => limitedCall(undefined, estimate, { priority: 'interactive', signal }, call));
  await timeAsync(n / 10, () => limitedCall(ours, estimate, { priority: 'interactive', signal }, call));
  await timeAsync(20, () => bottleneck.schedule(call));
  for (let r = 0; r < rounds; r++) {
    sides['no limiter (wrapper only)']!.push(
      await timeAsync(n, () => limitedCall(undefined, estimate, { priority: 'interactive', signal }, call)),
    );
    sides['our fast path (acquire + settle, in the wrapper)']!.push(
      await timeAsync(n, () => limitedCall(ours, estimate, { priority: 'interactive', signal }, call)),
    );
    sides['our fast path alone (sync acquire + settle)']!.push(
      timeSync(n, () => ours.tryAcquire(estimate, 'interactive')!.settle({ input: 40, output: 20 }, headers)),
    );
    sides['bottleneck schedule, empty limiter']!.push(await timeAsync(nBottleneck, () => bottleneck.schedule(call)));
  }
  await bottleneck.stop({ dropWaitingJobs: true }).catch(() => undefined);
  clearInterval(keepAlive);

  const rows = Object.entries(sides).map(([side, xs]) => ({
    side,
    nsPerOp: Math.round(median(xs)),
    min: Math.round(Math.min(...xs)),
    max: Math.round(Math.max(...xs)),
  }));
  const base = rows[0]!.nsPerOp;
  console.log(`\nRate limiter cost when not limiting (${quick ? 'quick' : 'full'} run; median of ${rounds} rounds)\n`);
  console.log('| side | ns/op (median) | min | max | added vs no limiter |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows)
    console.log(
      `| ${r.side} | ${r.nsPerOp.toLocaleString('en-US')} | ${r.min.toLocaleString('en-US')} | ${r.max.toLocaleString('en-US')} | ${r.side.includes('alone') ? '(itself)' : (r.nsPerOp - base).toLocaleString('en-US')} |`,
    );
  const dir = path.join(repo, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `limiter-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(
    file,
    JSON.stringify(
      { when: new Date().toISOString(), node: process.version, quick, rounds, n, nBottleneck, rows },
      null,
      2,
    ),
  );
  console.log(`\nwrote ${path.relative(repo, file)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
