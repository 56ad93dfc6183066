import * as fs from 'node:fs';
import * as nodeModule from 'node:module';
import * as path from 'node:path';

/** The parts of node:module's compile cache API (Node >= 22.1; flush >= 22.10) the daemon uses. */
export interface CompileCacheApi {
  enableCompileCache?: (dir: string) => { status: number; message?: string; directory?: string };
  flushCompileCache?: () => void;
  constants?: { compileCacheStatus?: Record<string, number> };
}

export type CodeCacheState = { enabled: true; dir: string } | { enabled: false; reason: string };

/** Where the V8 code cache lives: under the home, so CONDUIT_HOME (and tests) keep it apart. */
export function codeCacheDir(home: string): string {
  return path.join(home, 'cache', 'code');
}

/**
 * Turns on Node's on-disk V8 code cache for the modules loaded after this call, so a later start
 * reuses the compiled daemon bundle instead of compiling it again (compiling it was most of a cold
 * start). Runtimes without the API (Node 20, older Electron) start as before, and so does a home
 * whose cache folder cannot be made private: a cache is never a reason not to start. The home must
 * already exist (the spawner made and checked it); a first direct start without one only goes
 * without the cache.
 */
export function enableCodeCache(home: string, api: CompileCacheApi = nodeModule as CompileCacheApi): CodeCacheState {
  if (typeof api.enableCompileCache !== 'function') return { enabled: false, reason: 'not supported by this runtime' };
  if (!fs.existsSync(home)) return { enabled: false, reason: 'the home does not exist yet' };
  const dir = codeCacheDir(home);
  try {
    privateDir(path.dirname(dir));
    privateDir(dir);
    const result = api.enableCompileCache(dir);
    const statuses = api.constants?.compileCacheStatus ?? {};
    if (result.status === statuses.ENABLED || result.status === statuses.ALREADY_ENABLED)
      return { enabled: true, dir: result.directory ?? dir };
    return { enabled: false, reason: result.message ?? 'the runtime declined it' };
  } catch (err) {
    return { enabled: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Writes what was compiled so far to the cache now, rather than only at a clean exit (a daemon
 * that is killed or crashes would otherwise never write it). Never throws.
 */
export function flushCodeCache(api: CompileCacheApi = nodeModule as CompileCacheApi): void {
  try {
    api.flushCompileCache?.();
  } catch {
    // The next start compiles again; nothing else depends on the cache.
  }
}

/**
 * A folder of ours, 0700, never a link. Not safePath.ts: that brings the protocol module into the
 * entry, which is compiled before the cache is on, and would cost more than the check itself.
 * Compiled code is not secret, but another user's folder could feed us code, so it is refused.
 */
function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  if (st.isSymbolicLink() || !st.isDirectory()) throw new Error(`${dir} is not a plain folder`);
  if (process.platform === 'win32') return;
  if (typeof process.getuid === 'function' && st.uid !== process.getuid())
    throw new Error(`${dir} belongs to another user`);
  if ((st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}
