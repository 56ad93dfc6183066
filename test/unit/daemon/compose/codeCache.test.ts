import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { codeCacheDir, enableCodeCache, type CompileCacheApi } from '../../../../daemon/compose/codeCache';

const statuses = { FAILED: 0, ENABLED: 1, ALREADY_ENABLED: 2, DISABLED: 3 };
const homes: string[] = [];
function tempHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-codecache-'));
  homes.push(home);
  return home;
}
afterEach(() => {
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true });
});

/** What the runtime was asked, and what it answers. */
function runtime(status: number, message?: string): CompileCacheApi & { dirs: string[] } {
  const dirs: string[] = [];
  return {
    dirs,
    constants: { compileCacheStatus: statuses },
    enableCompileCache: (dir) => {
      dirs.push(dir);
      return { status, ...(message ? { message } : {}), directory: dir };
    },
  };
}

describe('enableCodeCache', () => {
  it('puts the cache in cache/code under the home, a private folder', () => {
    const home = tempHome();
    const api = runtime(statuses.ENABLED);
    expect(enableCodeCache(home, api)).toEqual({ enabled: true, dir: codeCacheDir(home) });
    expect(api.dirs).toEqual([path.join(home, 'cache', 'code')]);
    if (process.platform !== 'win32') {
      expect(fs.statSync(path.join(home, 'cache')).mode & 0o777).toBe(0o700);
      expect(fs.statSync(codeCacheDir(home)).mode & 0o777).toBe(0o700);
    }
  });

  it('starts without a cache on a runtime that has none (Node 20, older Electron)', () => {
    const home = tempHome();
    expect(enableCodeCache(home, {})).toEqual({ enabled: false, reason: 'not supported by this runtime' });
    expect(fs.existsSync(path.join(home, 'cache'))).toBe(false);
  });

  it('says why when the runtime declines (NODE_DISABLE_COMPILE_CACHE)', () => {
    const state = enableCodeCache(tempHome(), runtime(statuses.DISABLED, 'Disabled by NODE_DISABLE_COMPILE_CACHE'));
    expect(state).toEqual({ enabled: false, reason: 'Disabled by NODE_DISABLE_COMPILE_CACHE' });
  });

  it('does not create a home that does not exist yet', () => {
    const home = path.join(tempHome(), 'not-yet');
    const api = runtime(statuses.ENABLED);
    expect(enableCodeCache(home, api)).toEqual({ enabled: false, reason: 'the home does not exist yet' });
    expect(api.dirs).toEqual([]);
    expect(fs.existsSync(home)).toBe(false);
  });

  it.skipIf(process.platform === 'win32')('refuses a cache folder that is a link, and still never throws', () => {
    const home = tempHome();
    const elsewhere = tempHome();
    fs.symlinkSync(elsewhere, path.join(home, 'cache'));
    const api = runtime(statuses.ENABLED);
    const state = enableCodeCache(home, api);
    expect(state.enabled).toBe(false);
    expect(api.dirs).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')('tightens a cache folder another program left readable', () => {
    const home = tempHome();
    fs.mkdirSync(path.join(home, 'cache', 'code'), { recursive: true, mode: 0o755 });
    fs.chmodSync(path.join(home, 'cache'), 0o755);
    expect(enableCodeCache(home, runtime(statuses.ENABLED)).enabled).toBe(true);
    expect(fs.statSync(path.join(home, 'cache')).mode & 0o777).toBe(0o700);
  });
});
