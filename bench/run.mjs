// Builds the benchmark suite (TypeScript) with esbuild and runs it. `npm run bench -- --quick`
// runs a short subset. Results print as a table and are written to bench/results/.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '.build');
mkdirSync(out, { recursive: true });

// Each benchmark: its `--only` name, its entry file, and whether the default run includes it.
// The profiler is a tool, not a benchmark; the ANN sweep and the usage ledger take minutes.
const benches = [
  { name: 'suite', entry: 'suite' },
  { name: 'cache', entry: 'cacheBench' },
  { name: 'limiter', entry: 'limiterBench' },
  { name: 'team', entry: 'teamBench' },
  { name: 'profile', entry: 'profile', onlyWhenAsked: true },
  { name: 'ann', entry: 'annBench', onlyWhenAsked: true },
  { name: 'embed', entry: 'embedBatchBench' },
  { name: 'refill', entry: 'refillBench' },
  { name: 'sqlite', entry: 'sqliteBench' },
  { name: 'usage', entry: 'usageScaleBench', onlyWhenAsked: true },
  { name: 'usage-hot', entry: 'usageHotPathBench', onlyWhenAsked: true },
  { name: 'usage-export', entry: 'usageExportBench', onlyWhenAsked: true },
  { name: 'export-samples', entry: 'exportSamplesBench', onlyWhenAsked: true },
  { name: 'usage-panel', entry: 'usagePanelBench', onlyWhenAsked: true },
  { name: 'pairs', entry: 'pairsBench' },
  { name: 'routing', entry: 'routingBench' },
  { name: 'endpoint', entry: 'endpointBench' },
  { name: 'httpserver', entry: 'httpServerBench', onlyWhenAsked: true },
  { name: 'startup', entry: 'startup', onlyWhenAsked: true },
  { name: 'startup-idle', entry: 'startupIdle', onlyWhenAsked: true },
  { name: 'memory', entry: 'memory', onlyWhenAsked: true },
  { name: 'endpointparse', entry: 'endpointParseBench', onlyWhenAsked: true },
  { name: 'heapdiff', entry: 'heapDiff', onlyWhenAsked: true },
  { name: 'made-up-names', entry: 'madeUpNames', onlyWhenAsked: true },
  { name: 'idle-gap', entry: 'idleGapBench', onlyWhenAsked: true },
  { name: 'chunk-path', entry: 'chunkPathBench', onlyWhenAsked: true },
  { name: 'fetch-path', entry: 'fetchPathBench', onlyWhenAsked: true },
  { name: 'llhttp-tier', entry: 'llhttpTierBench', onlyWhenAsked: true },
];
// Helpers the benchmarks spawn as their own processes.
const helpers = ['mockServe', 'echoServer', 'peerBench', 'extActivation'];

const entryPoints = Object.fromEntries(
  [...benches.map((b) => b.entry), ...helpers].map((name) => [name, join(here, `${name}.ts`)]),
);
await build({
  entryPoints,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outdir: out,
  // Native bindings load from their own package folders.
  external: ['sqlite3', '@photostructure/sqlite', '@napi-rs/keyring', 'usearch', 'esbuild', 'playwright-core'],
  logLevel: 'warning',
});
// `--only NAME` runs one of them by name.
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
let status = 0;
for (const bench of benches) {
  if (only ? only !== bench.name : bench.onlyWhenAsked) continue;
  const r = spawnSync(process.execPath, [join(out, `${bench.entry}.js`), ...args], { stdio: 'inherit' });
  status ||= r.status ?? 1;
}
process.exit(status);
