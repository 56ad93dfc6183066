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
await build({
  entryPoints: { suite: join(here, 'suite.ts'), cacheBench: join(here, 'cacheBench.ts'), limiterBench: join(here, 'limiterBench.ts'), profile: join(here, 'profile.ts'), mockServe: join(here, 'mockServe.ts'), echoServer: join(here, 'echoServer.ts'), peerBench: join(here, 'peerBench.ts'), extActivation: join(here, 'extActivation.ts'), annBench: join(here, 'annBench.ts'), embedBatchBench: join(here, 'embedBatchBench.ts'), teamBench: join(here, 'teamBench.ts'), endpointBench: join(here, 'endpointBench.ts'), httpServerBench: join(here, 'httpServerBench.ts') },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outdir: out,
  // Native bindings load from their own package folders.
  external: ['sqlite3', '@napi-rs/keyring', 'usearch', 'esbuild'],
  logLevel: 'warning',
});
// `--only NAME` runs one of them: suite, cache, limiter, team, embed, endpoint, httpserver, ann or profile.
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
let status = 0;
for (const [name, file] of [['suite', 'suite.js'], ['cache', 'cacheBench.js'], ['limiter', 'limiterBench.js'], ['team', 'teamBench.js'], ['profile', 'profile.js'], ['ann', 'annBench.js'], ['embed', 'embedBatchBench.js'], ['endpoint', 'endpointBench.js'], ['httpserver', 'httpServerBench.js']]) {
  // The profiler is a tool, not a benchmark, and the ANN sweep takes minutes: they run only when asked for.
  if (only ? only !== name : name === 'profile' || name === 'ann' || name === 'httpserver') continue;
  const r = spawnSync(process.execPath, [join(out, file), ...args], { stdio: 'inherit' });
  status ||= r.status ?? 1;
}
process.exit(status);
