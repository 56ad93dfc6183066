/**
 * The CSV export with samples (`conduit usage export --csv FILE --samples`): a worker's page built
 * whole against in pieces bounded by bytes (exportWorkers.ts, PIECE_BYTES), in one process per
 * export so that each RSS is its own, the two variants alternating on the same ledgers.
 *   npm run build && node bench/run.mjs --only export-samples [--rounds R]
 * "whole" sets pieceBytes past any page's size, which is what the export did before the pieces.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeCsvWithWorkers } from '../daemon/usage/exportWorkers';
import { UsageLedger } from '../daemon/usage/usageLedger';
import { syntheticRecord } from '../test/fixtures/usage/generateLedger';
import { seededRandom } from '../test/fixtures/seededRandom';
import { keepResult } from './history';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const MB = 1024 * 1024;
const START = Date.UTC(2026, 5, 1);

/** Two ledgers: the default sample size (sampling.maxChars 4,000), and large samples that need quoting. */
const LEDGERS = [
  { name: '10,000 rows, 4,050-character samples', rows: 10_000, text: 'Explain this code, please. '.repeat(150) },
  {
    name: '1,500 rows, 49,500-character samples that need quoting',
    rows: 1_500,
    text: 'lorem, "ipsum"\n'.repeat(3300),
  },
];

interface ChildResult {
  rows: number;
  ms: number;
  rssOverStartMb: number;
  longestText: number;
}

async function makeLedger(file: string, rows: number, text: string): Promise<void> {
  const ledger = new UsageLedger({ file });
  await ledger.open();
  const rand = seededRandom(41);
  for (let i = 0; i < rows; i++)
    await ledger.record({ ...syntheticRecord(rand, START + i, i), sample: { prompt: `${text}${i}`, response: text } });
  await ledger.settled();
  await ledger.close();
}

/** One export in this process: what `--child VARIANT FILE` runs. */
async function child(variant: string, file: string): Promise<void> {
  const ledger = new UsageLedger({ file });
  await ledger.open();
  const ids = (await ledger
    .reader()
    .get<{ first: number; last: number }>('SELECT MIN(id) AS first, MAX(id) AS last FROM requests'))!;
  const out = `${file}.${variant}.csv`;
  const fd = fs.openSync(out, 'w', 0o600);
  const start = process.memoryUsage.rss();
  let max = start;
  const timer = setInterval(() => (max = Math.max(max, process.memoryUsage.rss())), 5);
  let longestText = 0;
  const t = performance.now();
  const rows = await writeCsvWithWorkers({
    db: file,
    fd,
    since: 0,
    until: START + 365 * 86_400_000,
    includeSamples: true,
    first: ids.first - 1,
    last: ids.last,
    width: 500,
    workers: 2,
    ...(variant === 'whole' ? { pieceBytes: Number.MAX_SAFE_INTEGER } : {}),
    observe: (s) => (longestText = s.longestText),
  });
  const ms = performance.now() - t;
  clearInterval(timer);
  fs.closeSync(fd);
  fs.rmSync(out);
  await ledger.close();
  const result: ChildResult = { rows, ms, rssOverStartMb: (max - start) / MB, longestText };
  process.stdout.write(JSON.stringify(result));
}

async function main(): Promise<void> {
  const rounds = Number(arg('--rounds') ?? 2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-export-samples-'));
  const figures: Record<string, Record<string, ChildResult[]>> = {};
  try {
    for (const l of LEDGERS) {
      const file = path.join(dir, `${l.rows}.db`);
      await makeLedger(file, l.rows, l.text);
      const runs: Record<string, ChildResult[]> = { whole: [], pieces: [] };
      for (let round = 0; round < rounds; round++) {
        // Alternating, and the first variant swaps every round.
        for (const variant of round % 2 === 0 ? ['whole', 'pieces'] : ['pieces', 'whole']) {
          const r = spawnSync(process.execPath, [process.argv[1]!, '--child', variant, file], { encoding: 'utf8' });
          if (r.status !== 0) throw new Error(`the ${variant} export failed: ${r.stderr.slice(-400)}`);
          runs[variant]!.push(JSON.parse(r.stdout) as ChildResult);
        }
      }
      figures[l.name] = runs;
      console.log(l.name);
      for (const [variant, rs] of Object.entries(runs))
        console.log(
          `  ${variant.padEnd(6)} ${rs.map((r) => `${(r.ms / 1000).toFixed(1)} s, RSS +${r.rssOverStartMb.toFixed(1)} MB, longest text ${r.longestText.toLocaleString('en-US')} chars`).join('; ')}`,
        );
    }
    console.log(`load average at the end: ${os.loadavg()[0]!.toFixed(2)}`);
    console.log(`wrote ${keepResult(path.resolve(__dirname, '..', '..'), 'export-samples', figures)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (args[0] === '--child') void child(args[1]!, args[2]!);
else void main();
