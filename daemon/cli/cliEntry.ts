import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { conduitHome } from '../home/homeDir';
import { socketAddress } from '../home/socketAddress';
import { loadCached } from './codeCache';
import { handOverEarlyStart } from './earlyStartHandoff';

type EarlyStartModule = typeof import('./earlyStart');

// A cold `conduit ask` starts the daemon before this loads the CLI, so the two starts overlap
// (daemon/cli/earlyStart.ts: its own file, which other commands and warm asks never evaluate).
// Not on Windows: earlyStart.ts starts nothing there (a named pipe has no file to look for).
if (process.argv[2] === 'ask' && process.platform !== 'win32' && !daemonSocketThere()) {
  const early = earlyStartModule()?.startEarly(process.argv.slice(2), { daemonScript: join(__dirname, 'daemon.js') });
  if (early) handOverEarlyStart(early);
}

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

/**
 * A warm ask's shortcut past the early start: the socket file is there, so a daemon probably
 * answers, and the CLI connects. When unsure it answers no, and earlyStart.ts decides with the
 * home's checks.
 */
function daemonSocketThere(): boolean {
  try {
    // Off Windows the address does not depend on the token (socketAddress.ts); run/ is the layout's runDir.
    return existsSync(socketAddress(join(conduitHome(), 'run'), '').path);
  } catch {
    return false;
  }
}

/** dist/cliStart.js; a package without it (an older packaging) asks as before, through the CLI's own start. */
function earlyStartModule(): EarlyStartModule | undefined {
  try {
    // A computed path: the file sits beside this one in dist/, and the bundler must leave it there.
    return module.require(join(__dirname, 'cliStart.js')) as EarlyStartModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}
