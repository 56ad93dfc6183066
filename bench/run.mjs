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
  entryPoints: { suite: join(here, 'suite.ts'), fakeServe: join(here, '..', 'test', 'fakes', 'serve.ts') },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outdir: out,
  logLevel: 'warning',
});
const r = spawnSync(process.execPath, [join(out, 'suite.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
