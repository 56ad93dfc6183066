/**
 * A person's pace: requests more than a second apart, so the ledger journal's idle seal runs
 * between every two of them (docs/performance.md, "The durable ledger"). The current build and,
 * with BENCH_BEFORE_DAEMON, an earlier one take turns, order rotated every round; prints each
 * side's round trip over IPC. Not part of `npm run bench`:
 *   node bench/run.mjs --only idle-gap [--rounds N] [--gap-ms MS]
 */
import * as path from 'node:path';
import { startDaemon, type BenchDaemon } from './conduitSides';
import { describeMeasuredAt, measuredAt } from './machine';
import { roomyLimitHeaders, startFake, textOfSize } from './processes';
import { fmt, percentile } from './stats';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback;

async function main(): Promise<void> {
  const rounds = arg('--rounds', 25);
  const gapMs = arg('--gap-ms', 1300);
  const repo = path.resolve(__dirname, '..', '..');
  const fake = await startFake(__dirname);
  await fake.control('/__fake/default', {
    provider: 'openai',
    script: { text: textOfSize(1400), chunks: 1, headers: roomyLimitHeaders },
  });
  const config = { cache: { enabled: false } };
  const sides: [string, BenchDaemon][] = [
    ['current', await startDaemon(fake.url, path.join(repo, 'dist', 'daemon.js'), { config })],
  ];
  const before = process.env.BENCH_BEFORE_DAEMON;
  if (before) sides.push(['before', await startDaemon(fake.url, before, { config })]);
  const times = new Map<string, number[]>(sides.map(([name]) => [name, []]));
  const messages = [{ role: 'user' as const, content: 'benchmark' }];
  try {
    for (let round = 0; round <= rounds; round++) {
      for (let k = 0; k < sides.length; k++) {
        const [name, d] = sides[(round + k) % sides.length]!;
        const t = performance.now();
        await d.client.chat({ provider: 'openai', model: 'gpt-bench', messages, max_tokens: 64, stream: false });
        // Round 0 warms each daemon (its first segment, undici's first connection).
        if (round > 0) times.get(name)!.push(performance.now() - t);
      }
      await new Promise((r) => setTimeout(r, gapMs));
    }
  } finally {
    for (const [, d] of sides) await d.dispose().catch(() => undefined);
    fake.stop();
  }
  console.log(`\nRequests ${gapMs} ms apart, ${rounds} per side over IPC; ${describeMeasuredAt(measuredAt())}`);
  for (const [name, xs] of times) {
    const at = (p: number) => fmt(percentile(xs, p));
    console.log(`${name.padEnd(8)} p50 ${at(50)}  p90 ${at(90)}  max ${at(100)}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
