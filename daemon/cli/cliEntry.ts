import { join } from 'node:path';
import { conduitHome } from '../home/homeDir';
import { loadCached } from './codeCache';

/**
 * dist/cli.js: starts the CLI (dist/cliMain.js, built from daemon/cli.ts) from the V8 code cache
 * in CONDUIT_HOME/cache/code, and saves the cache at exit when this run had none, so the next
 * `conduit` skips compiling the bundle. See codeCache.ts for what is trusted and when.
 */
const load = loadCached(join(__dirname, 'cliMain.js'), {
  dir: join(conduitHome(), 'cache', 'code'),
  // `conduit ask` runs most often and must start fastest: its cache holds its own code alone.
  ...(process.argv[2] === 'ask' ? { variant: 'ask' } : {}),
  require,
});
process.once('exit', () => {
  const hint = (load.exports as { codeCacheHint?: { skipSave: boolean } } | undefined)?.codeCacheHint;
  if (!hint?.skipSave) load.save();
});
