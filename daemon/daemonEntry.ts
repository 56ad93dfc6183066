/**
 * dist/daemon.js: the daemon's entry point. It stays CommonJS, so `node dist/daemon.js`, VS Code's
 * runtime and the CLI's `require()` (`conduit daemon --foreground`) all load it as before. The
 * daemon itself is ESM split into chunks (dist/daemon.mjs, dist/chunks/): what it does not use at
 * start (the provider SDKs, undici, ioredis, the batch providers) is neither read nor compiled
 * until first used, and compiling one large bundle was half of the daemon's start.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { enableCodeCache } from './compose/codeCache';
import { conduitHome } from './home/homeDir';
import { OptimizerHold } from './compose/optimizerHold';
import type { DaemonExit, DaemonOptions } from './main';

type DaemonModule = typeof import('./main');
type PrestartModule = typeof import('./compose/prestart');

// A URL, not a path: import() takes a Windows path's drive letter for a URL scheme.
const bundle = pathToFileURL(path.join(__dirname, 'daemon.mjs')).href;
const prestartChunk = pathToFileURL(path.join(__dirname, 'chunks', 'prestart.mjs')).href;

export async function runDaemon(opts: DaemonOptions = {}): Promise<DaemonExit> {
  // Before any of the daemon's code runs: its start is what would page TurboFan in (optimizerHold.ts).
  // On by default since the memory bench's peak and after-load figures were no worse with it
  // (docs/performance.md, "Memory, eighth pass"); CONDUIT_OPTIMIZER_HOLD=0 turns it off.
  const optimizer = new OptimizerHold();
  if (process.env.CONDUIT_OPTIMIZER_HOLD !== '0') optimizer.hold();
  // Before the import: the cache covers the bundle and every chunk loaded after it.
  const codeCache = enableCodeCache(conduitHome());
  ((await import(prestartChunk)) as PrestartModule).prestart();
  const daemon = (await import(bundle)) as DaemonModule;
  return daemon.runDaemon({ codeCache, optimizer, ...opts });
}

// Run when this file is the entry point (dist/daemon.js), not when the CLI loads it.
if (require.main === module) {
  runDaemon({ foreground: process.argv.includes('--foreground') })
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      process.stderr.write(`conduit daemon: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
