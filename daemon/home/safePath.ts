import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConduitError } from '../../protocol';

/**
 * The trust rules for everything under CONDUIT_HOME. A home that was pre-created by someone
 * else, or left writable, may already hold their `logs` (a link to their directory), their
 * `usage.db` or their `token`: each entry is therefore checked when it is opened, not only the
 * home. An entry must be ours, must not be a symbolic link, and is tightened to 0600 (files) or
 * 0700 (folders). Anything else is refused with the path and what to do; nothing is followed.
 *
 * On Windows there are no POSIX owners or modes: the folder's ACL (set by the installer or the
 * user's profile) is what protects it, so only the "no link, right kind of entry" rules apply.
 */
export class HomeError extends ConduitError {
  constructor(
    readonly path: string,
    problem: string,
    fix: string,
  ) {
    super({ code: 'home_unsafe', message: `${path} ${problem}. ${fix}` });
    this.name = 'HomeError';
  }
}

/** The platform checks, as a seam so the Windows branch can be tested on any machine. */
export interface HomePlatform {
  posix: boolean;
  uid: number | undefined;
}

export function currentPlatform(): HomePlatform {
  const posix = process.platform !== 'win32';
  return { posix, uid: posix && typeof process.getuid === 'function' ? process.getuid() : undefined };
}

const REMOVE = 'Remove it (or move it away) and run the command again; Conduit recreates it';

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function checkOwner(p: string, st: fs.Stats, plat: HomePlatform, fix: string): void {
  if (plat.posix && plat.uid !== undefined && st.uid !== plat.uid) {
    throw new HomeError(p, `belongs to another user (uid ${st.uid}), so it cannot be trusted`, fix);
  }
}

function tighten(p: string, st: fs.Stats, mode: number, plat: HomePlatform): void {
  if (plat.posix && (st.mode & 0o777) !== mode) fs.chmodSync(p, mode);
}

/**
 * The home itself. It may be a link to a folder the user owns (a home on another disk), but a
 * dangling link, a file, or a folder owned by someone else is refused.
 */
export function secureHomeDir(dir: string, plat: HomePlatform = currentPlatform()): void {
  const fix = 'Set CONDUIT_HOME to a folder you own, or remove this one so Conduit can create it';
  const link = lstatOrUndefined(dir);
  if (link?.isSymbolicLink() && !fs.existsSync(dir)) {
    throw new HomeError(dir, `is a symbolic link to ${fs.readlinkSync(dir)}, which does not exist`, fix);
  }
  if (!link) {
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new HomeError(dir, `cannot be created (${code ?? String(err)})`, fix);
    }
  }
  const st = fs.statSync(dir);
  if (!st.isDirectory()) throw new HomeError(dir, 'is not a folder', fix);
  checkOwner(dir, st, plat, fix);
  tighten(dir, st, 0o700, plat);
}

/** A folder inside the home (run/, logs/, models/): created 0700, never a link, ours. */
export function securePrivateDir(dir: string, plat: HomePlatform = currentPlatform()): void {
  let st = lstatOrUndefined(dir);
  if (!st) {
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      else if (code !== 'EEXIST') throw err;
    }
    st = fs.lstatSync(dir);
  }
  if (st.isSymbolicLink()) throw new HomeError(dir, `is a symbolic link (to ${fs.readlinkSync(dir)})`, REMOVE);
  if (!st.isDirectory()) throw new HomeError(dir, 'should be a folder but is not', REMOVE);
  checkOwner(dir, st, plat, REMOVE);
  tighten(dir, st, 0o700, plat);
}

/**
 * A file that may exist: when it does, it must be a regular file of ours, and its mode is
 * tightened to 0600. Returns whether it exists.
 */
export function secureExistingFile(file: string, plat: HomePlatform = currentPlatform()): boolean {
  const st = lstatOrUndefined(file);
  if (!st) return false;
  if (st.isSymbolicLink()) throw new HomeError(file, `is a symbolic link (to ${fs.readlinkSync(file)})`, REMOVE);
  if (!st.isFile()) throw new HomeError(file, 'should be a regular file but is not', REMOVE);
  checkOwner(file, st, plat, REMOVE);
  tighten(file, st, 0o600, plat);
  return true;
}

/** fs.constants.O_NOFOLLOW does not exist on Windows; there the lstat check stands alone. */
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/**
 * Opens a file in the home without following a link (O_NOFOLLOW), creating it 0600 when the
 * flags allow, then checks what was opened (fstat), so a swap between a check and the open
 * cannot hand us someone else's file.
 */
export function openPrivateFile(file: string, flags: 'r' | 'a' | 'w', plat: HomePlatform = currentPlatform()): number {
  secureExistingFile(file, plat);
  const base =
    flags === 'r'
      ? fs.constants.O_RDONLY
      : flags === 'a'
        ? fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT
        : fs.constants.O_WRONLY | fs.constants.O_TRUNC | fs.constants.O_CREAT;
  let fd: number;
  try {
    fd = fs.openSync(file, base | NOFOLLOW, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new HomeError(file, 'is a symbolic link', REMOVE);
    throw err;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new HomeError(file, 'should be a regular file but is not', REMOVE);
    checkOwner(file, st, plat, REMOVE);
    if (plat.posix && (st.mode & 0o777) !== 0o600) fs.fchmodSync(fd, 0o600);
    return fd;
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

const SQLITE_SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

/**
 * Before SQLite opens `file`: the database and its side files are checked, and a new database is
 * created empty with mode 0600 first. SQLite gives the -wal and -shm files it creates the
 * database file's mode, so they are 0600 too; tightenDatabaseFiles() covers files made earlier.
 */
export function prepareDatabaseFile(file: string, plat: HomePlatform = currentPlatform()): void {
  securePrivateDir(path.dirname(file), plat);
  if (!secureExistingFile(file, plat)) {
    try {
      fs.closeSync(
        fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | NOFOLLOW, 0o600),
      );
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      secureExistingFile(file, plat);
    }
  }
  for (const suffix of SQLITE_SIDE_FILES) secureExistingFile(file + suffix, plat);
}

/** After SQLite opened `file` (and made its -wal and -shm): every file of it is 0600. */
export function tightenDatabaseFiles(file: string, plat: HomePlatform = currentPlatform()): void {
  for (const suffix of ['', ...SQLITE_SIDE_FILES]) secureExistingFile(file + suffix, plat);
}

/** Every entry Conduit keeps directly in the home, with what it must be. */
const HOME_FILES = ['token', 'usage.db', 'cache.db', 'queue.db', 'batch.db'];
const HOME_DIRS = ['run', 'logs', 'models'];

/**
 * Checks the home and the entries Conduit keeps there, before a client starts a daemon: a
 * problem is reported at once, with its path, instead of as a daemon that "did not start".
 */
export function auditHome(home: string, plat: HomePlatform = currentPlatform()): void {
  secureHomeDir(home, plat);
  for (const name of HOME_DIRS) {
    const dir = path.join(home, name);
    if (lstatOrUndefined(dir)) securePrivateDir(dir, plat);
  }
  for (const name of HOME_FILES) {
    const file = path.join(home, name);
    secureExistingFile(file, plat);
    if (name.endsWith('.db')) for (const suffix of SQLITE_SIDE_FILES) secureExistingFile(file + suffix, plat);
  }
  // config.json may be a link into the user's dotfiles; what it points to must still be theirs,
  // since a planted config could send every request (and its key) to another server.
  const config = path.join(home, 'config.json');
  if (fs.existsSync(config)) checkOwner(config, fs.statSync(config), plat, REMOVE);
  const logs = path.join(home, 'logs');
  if (lstatOrUndefined(logs)) {
    for (const name of fs.readdirSync(logs)) {
      if (name.startsWith('daemon')) secureExistingFile(path.join(logs, name), plat);
    }
  }
}
