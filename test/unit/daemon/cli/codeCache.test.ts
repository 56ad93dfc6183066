import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheFileName, loadCached } from '../../../../daemon/cli/codeCache';

/**
 * The CLI's code cache, with real files and V8's real cache: every way the cache can be missing,
 * damaged, stale or unwritable still runs the bundle, and what the cache holds is only ever code
 * this user wrote.
 */
let dir: string;
let bundle: string;
let cacheDir: string;
const posix = process.platform !== 'win32';

/** A small CommonJS bundle that uses what Node's loader gives a module. */
function writeBundle(extra = ''): void {
  fs.writeFileSync(path.join(dir, 'helper.js'), 'module.exports = 41;\n');
  fs.writeFileSync(
    bundle,
    [
      '"use strict";',
      'const helper = require("./helper.js");',
      'module.exports = { answer: () => helper + 1, dirname: __dirname, filename: __filename };',
      'exports.unused = 1;',
      `function fails() { throw new Error("line 5"); }`,
      'module.exports.fails = fails;',
      extra,
    ].join('\n'),
  );
}

// The entry passes its own require, which resolves beside the bundle as this one does.
const load = () => loadCached(bundle, { dir: cacheDir, require: createRequire(bundle) });
const cacheFiles = () => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []);
const theCacheFile = () => {
  const files = cacheFiles();
  expect(files).toHaveLength(1);
  return path.join(cacheDir, files[0]!);
};
type Bundle = { answer(): number; dirname: string; filename: string; fails(): void };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-cc-'));
  bundle = path.join(dir, 'cliMain.js');
  // The home exists; its cache/code does not yet.
  cacheDir = path.join(dir, 'home', 'cache', 'code');
  fs.mkdirSync(path.join(dir, 'home'));
  writeBundle();
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the CLI code cache', () => {
  it('runs the bundle as Node would, writes the cache once, and runs from it after', () => {
    const first = load();
    const mod = first.exports as Bundle;
    expect(mod.answer()).toBe(42);
    expect(mod.dirname).toBe(dir);
    expect(mod.filename).toBe(bundle);
    expect(first.use).toBe('missing');
    first.save();
    const file = theCacheFile();
    expect(path.basename(file)).toBe(cacheFileName(bundle, fs.readFileSync(bundle, 'utf8')));
    if (posix) {
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(cacheDir).mode & 0o777).toBe(0o700);
    }
    const written = fs.readFileSync(file);

    const second = load();
    expect(second.use).toBe('hit');
    expect((second.exports as Bundle).answer()).toBe(42);
    second.save();
    // A hit is not written again.
    expect(fs.readFileSync(theCacheFile()).equals(written)).toBe(true);
  });

  it("keeps the bundle's line numbers in stack traces", () => {
    const mod = load().exports as Bundle;
    expect(() => mod.fails()).toThrow('line 5');
    try {
      mod.fails();
    } catch (err) {
      expect((err as Error).stack).toContain(`${bundle}:5:`);
    }
  });

  it('a damaged cache (one flipped byte, cut short, or not a cache at all) is not run, and is rebuilt', () => {
    load().save();
    const file = theCacheFile();
    const good = fs.readFileSync(file);
    const flipped = Buffer.from(good);
    flipped[flipped.length >> 1]! ^= 0xff;
    for (const bad of [flipped, good.subarray(0, good.length >> 1), Buffer.from('not a code cache'), Buffer.alloc(0)]) {
      fs.writeFileSync(file, bad, { mode: 0o600 });
      const run = load();
      expect(run.use).toBe('damaged');
      expect((run.exports as Bundle).answer()).toBe(42);
      run.save();
      expect(load().use).toBe('hit');
    }
  });

  it('a cache V8 refuses (made for other code) is compiled afresh and replaced', () => {
    load().save();
    const made = fs.readFileSync(theCacheFile());
    // Well-formed and ours, under the name of a bundle this process has not compiled yet
    // (V8 would otherwise answer from its in-memory compilation cache and never read ours).
    writeBundle(`// a bundle of its own ${process.pid} ${Date.now()}`);
    const forged = path.join(cacheDir, cacheFileName(bundle, fs.readFileSync(bundle, 'utf8')));
    fs.writeFileSync(forged, made, { mode: 0o600 });
    const run = load();
    expect(run.use).toBe('rejected');
    expect((run.exports as Bundle).answer()).toBe(42);
    run.save();
    expect(fs.readFileSync(forged).equals(made)).toBe(false);
    expect(load().use).toBe('hit');
  });

  it("another build gets a cache of its own, and replaces this runtime's old one, not another runtime's", () => {
    load().save();
    const old = theCacheFile();
    const otherRuntime = path.join(cacheDir, cacheFileName(bundle, fs.readFileSync(bundle, 'utf8'), '1.2.3-electron'));
    fs.copyFileSync(old, otherRuntime);
    writeBundle('// the next build');
    const run = load();
    expect(run.use).toBe('missing');
    run.save();
    const files = cacheFiles();
    expect(files).not.toContain(path.basename(old));
    expect(files).toContain(path.basename(otherRuntime));
    expect(files).toContain(cacheFileName(bundle, fs.readFileSync(bundle, 'utf8')));
    expect(load().use).toBe('hit');
  });

  it('a cache folder that cannot be made (its place is a file) runs the bundle and says nothing', () => {
    fs.writeFileSync(path.join(dir, 'home', 'cache'), 'not a folder');
    const run = load();
    expect(run.use).toBe('missing');
    expect(() => run.save()).not.toThrow();
    expect((run.exports as Bundle).answer()).toBe(42);
  });

  it('never creates the home itself: the daemon does, with its checks', () => {
    fs.rmSync(path.join(dir, 'home'), { recursive: true });
    const run = load();
    run.save();
    expect(fs.existsSync(path.join(dir, 'home'))).toBe(false);
  });

  it.skipIf(!posix)('a cache file others may write, or in a folder others may write, is not run', () => {
    load().save();
    const file = theCacheFile();
    fs.chmodSync(file, 0o666);
    expect(load().use).toBe('untrusted');
    // Nor is it replaced: it is not ours to manage.
    fs.chmodSync(file, 0o600);
    fs.chmodSync(cacheDir, 0o777);
    const run = load();
    expect(run.use).toBe('untrusted');
    expect((run.exports as Bundle).answer()).toBe(42);
  });

  it('no cache folder: runs without one', () => {
    const run = loadCached(bundle, { dir: undefined, require: createRequire(bundle) });
    expect(run.use).toBe('off');
    run.save();
    expect(cacheFiles()).toEqual([]);
  });
});
