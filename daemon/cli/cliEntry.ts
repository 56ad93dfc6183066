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
  require,
});
process.once('exit', () => load.save());
