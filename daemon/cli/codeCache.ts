// Named imports, not `import * as`: esbuild wraps a namespace import of a built-in in a copy of
// every export (a getter each), and this file runs before every command.
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { crc32 as zlibCrc32 } from 'node:zlib';

/**
 * A V8 code cache for the CLI's bundle. Compiling the bundle was the largest part of a warm
 * `conduit ask`; with the cache, V8 deserializes the functions a run compiled instead of parsing
 * the source again. `vm.Script` with `cachedData` works on every runtime we run on (Node 20, VS
 * Code's Electron), which `module.enableCompileCache()` (Node >= 22.1) does not.
 *
 * The cache is code this process runs, so it is used only from a folder and a file this user owns
 * that nobody else may write, and only when its checksum matches: V8 itself checks little more
 * than the length, and a damaged payload could crash it. Anything wrong (missing, damaged, stale,
 * unwritable) means the bundle compiles as it would without a cache; nothing is printed.
 */

/** How a load used the cache: `hit` ran from it; the others compiled the source. */
export type CacheUse = 'hit' | 'missing' | 'damaged' | 'rejected' | 'untrusted' | 'off';

export interface CachedLoad {
  exports: unknown;
  use: CacheUse;
  /** Writes the cache when this load did not run from one; never throws. Call it at exit. */
  save(): void;
}

export interface CacheOptions {
  /** The cache folder (it and its parent are created 0700 when missing); undefined: no cache. */
  dir: string | undefined;
  /**
   * A cache of its own for one kind of run (`conduit ask`): a cache holds the functions the run
   * that wrote it compiled, so one written by `conduit status` gave every ask code it never ran
   * to deserialize, and compiled the ask's own code from source. Word characters only.
   */
  variant?: string;
  /** The `require` the bundle gets: the loader's own, so it resolves beside the bundle. */
  require: NodeJS.Require;
}

const MAGIC = 0x43434331; // "CCC1"
const HEADER = 8; // magic, then the payload's CRC-32

/** The CRC-32 of Node >= 20.15 / 22.2; without it there is no cache (a JS checksum would cost its saving). */
const crc32 = zlibCrc32 as ((data: string | Uint8Array) => number) | undefined;

/**
 * The cache file's name: the bundle's name, its content's checksum and length, and the runtime's
 * V8 version and architecture, so another build or another runtime never reads this one's cache.
 */
export function cacheFileName(
  bundle: string,
  source: string,
  v8: string = process.versions.v8,
  variant?: string,
): string {
  return nameOf(bundle, crc32 ? crc32(source) : 0, source.length, v8, variant);
}

/** `crc`: the CRC-32 of the bundle's UTF-8 bytes (the same as of its text); `chars`: the text's length. */
function nameOf(bundle: string, crc: number, chars: number, v8 = process.versions.v8, variant?: string): string {
  const sum = crc32 ? (crc >>> 0).toString(16).padStart(8, '0') : '0';
  const runtime = `${v8}-${process.arch}`.replace(/[^\w.-]/g, '_');
  const name = basename(bundle, '.js') + (variant ? `.${variant.replace(/\W/g, '_')}` : '');
  return `${name}-${sum}-${chars}-${runtime}.bin`;
}

/** Runs a CommonJS bundle as Node's loader would, from the code cache in `opts.dir` when it can. */
export function loadCached(bundle: string, opts: CacheOptions): CachedLoad {
  // The checksum is taken of the bytes as read: of the text, it would encode it to UTF-8 again.
  const bytes = readFileSync(bundle);
  const source = bytes.toString('utf8');
  const file =
    opts.dir && crc32
      ? join(opts.dir, nameOf(bundle, crc32(bytes), source.length, undefined, opts.variant))
      : undefined;
  const read = file ? readCache(file) : { use: 'off' as CacheUse };
  // The wrapper sits on a line of its own, so line numbers in stack traces stay the bundle's.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
    filename: bundle,
    lineOffset: -1,
    ...(read.data ? { cachedData: read.data } : {}),
  });
  const use: CacheUse = read.data ? (script.cachedDataRejected ? 'rejected' : 'hit') : read.use;
  const mod = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(mod.exports, mod.exports, opts.require, mod, bundle, dirname(bundle));
  return {
    get exports() {
      return mod.exports;
    },
    use,
    save: () => {
      if (use === 'hit' || use === 'untrusted' || !file || !opts.dir) return;
      try {
        writeCache(opts.dir, file, script.createCachedData());
      } catch {
        // A read-only or full disk: the next run compiles again, as it would without a cache.
      }
    },
  };
}

function readCache(file: string): { use: CacheUse; data?: Buffer } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { use: 'missing' };
  }
  try {
    if (!trusted(fstatSync(fd)) || !trusted(statSync(dirname(file)))) return { use: 'untrusted' };
    const all = readFileSync(fd);
    if (all.length <= HEADER || all.readUInt32LE(0) !== MAGIC) return { use: 'damaged' };
    const data = all.subarray(HEADER);
    if (crc32!(data) >>> 0 !== all.readUInt32LE(4)) return { use: 'damaged' };
    return { use: 'hit', data };
  } catch {
    return { use: 'damaged' };
  } finally {
    closeSync(fd);
  }
}

/** Ours and writable by nobody else. Windows has no POSIX owners: CONDUIT_HOME's ACL guards it there. */
function trusted(st: Stats): boolean {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return true;
  return st.uid === process.getuid() && (st.mode & 0o022) === 0;
}

function writeCache(dir: string, file: string, data: Buffer): void {
  // The folder and its parent, never the home: the daemon creates that, with its checks.
  for (const d of [dirname(dir), dir]) {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const header = Buffer.alloc(HEADER);
  header.writeUInt32LE(MAGIC, 0);
  header.writeUInt32LE(crc32!(data) >>> 0, 4);
  // Written aside and renamed: a concurrent run reads the old file or the whole new one.
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat([header, data]), { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  // An earlier build's cache for this runtime is never read again. Another runtime's is kept: the
  // npm package runs on the user's Node and the editor's shim on VS Code's, turn and turn about.
  const [bundle, , , ...runtime] = basename(file).split('-');
  for (const name of readdirSync(dir)) {
    const parts = name.split('-');
    if (name !== basename(file) && parts[0] === bundle && parts.slice(3).join('-') === runtime.join('-')) {
      rmSync(join(dir, name), { force: true });
    }
  }
}
