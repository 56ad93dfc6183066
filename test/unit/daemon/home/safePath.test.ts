import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  auditHome,
  HomeError,
  openPrivateFile,
  prepareDatabaseFile,
  secureExistingFile,
  secureHomeDir,
  securePrivateDir,
  type HomePlatform,
} from '../../../../daemon/home/safePath';

const posix = process.platform !== 'win32';
const me: HomePlatform = { posix, uid: process.getuid?.() };
/** The same machine as seen by a process of another user: everything here belongs to "someone else". */
const someoneElse: HomePlatform = { posix: true, uid: (process.getuid?.() ?? 0) + 4242 };
const windows: HomePlatform = { posix: false, uid: undefined };

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-safe-'));
});
afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

function mode(p: string): number {
  return fs.lstatSync(p).mode & 0o777;
}

function homeError(fn: () => unknown): HomeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HomeError);
    return err as HomeError;
  }
  throw new Error('expected a HomeError');
}

describe.skipIf(!posix)('safePath on POSIX', () => {
  it('tightens a world-writable home to 0700 and its files to 0600', () => {
    fs.chmodSync(home, 0o777);
    fs.writeFileSync(path.join(home, 'token'), 'x'.repeat(64), { mode: 0o666 });
    fs.chmodSync(path.join(home, 'token'), 0o666);
    auditHome(home, me);
    expect(mode(home)).toBe(0o700);
    expect(mode(path.join(home, 'token'))).toBe(0o600);
  });

  it('refuses a logs folder that is a link, naming it and what to do', () => {
    const theirs = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-theirs-'));
    try {
      fs.symlinkSync(theirs, path.join(home, 'logs'));
      const err = homeError(() => auditHome(home, me));
      expect(err.code).toBe('home_unsafe');
      expect(err.message).toContain(path.join(home, 'logs'));
      expect(err.message).toMatch(/symbolic link.*Remove it/);
    } finally {
      fs.rmSync(theirs, { recursive: true, force: true });
    }
  });

  it('refuses a database owned by another user, and its -wal', () => {
    fs.writeFileSync(path.join(home, 'usage.db-wal'), '');
    const err = homeError(() => prepareDatabaseFile(path.join(home, 'usage.db'), someoneElse));
    expect(err.message).toMatch(/belongs to another user/);
  });

  it('creates a new database file 0600 before SQLite opens it', () => {
    const file = path.join(home, 'usage.db');
    const old = process.umask(0o022);
    try {
      prepareDatabaseFile(file, me);
    } finally {
      process.umask(old);
    }
    expect(mode(file)).toBe(0o600);
    expect(fs.statSync(file).size).toBe(0);
  });

  it('does not open a token that is a link (O_NOFOLLOW), even when the link check is raced', () => {
    const target = path.join(home, 'elsewhere');
    fs.writeFileSync(target, 'secret');
    fs.symlinkSync(target, path.join(home, 'token'));
    expect(() => openPrivateFile(path.join(home, 'token'), 'r', me)).toThrow(HomeError);
  });

  it("refuses a home that is a file, a dangling link, or another user's, with the path", () => {
    const file = path.join(home, 'afile');
    fs.writeFileSync(file, '');
    expect(homeError(() => secureHomeDir(file, me)).message).toContain(`${file} is not a folder`);
    const dangling = path.join(home, 'dangling');
    fs.symlinkSync(path.join(home, 'nowhere'), dangling);
    expect(homeError(() => secureHomeDir(dangling, me)).message).toMatch(
      /symbolic link to .*nowhere, which does not exist/,
    );
    expect(homeError(() => secureHomeDir(home, someoneElse)).message).toMatch(
      /belongs to another user.*Set CONDUIT_HOME/,
    );
  });

  it('accepts a home that is a link to a folder of ours', () => {
    const real = path.join(home, 'real');
    fs.mkdirSync(real);
    fs.symlinkSync(real, path.join(home, 'link'));
    expect(() => secureHomeDir(path.join(home, 'link'), me)).not.toThrow();
  });

  it('refuses a run entry that is a file, and creates a missing one 0700', () => {
    fs.writeFileSync(path.join(home, 'run'), '');
    expect(homeError(() => securePrivateDir(path.join(home, 'run'), me)).message).toMatch(/should be a folder/);
    securePrivateDir(path.join(home, 'models'), me);
    expect(mode(path.join(home, 'models'))).toBe(0o700);
  });

  it('refuses a FIFO where a file should be', () => {
    if (process.platform === 'darwin' || process.platform === 'linux') {
      const fifo = path.join(home, 'token');
      execFileSync('mkfifo', [fifo]);
      expect(homeError(() => secureExistingFile(fifo, me)).message).toMatch(/regular file/);
    }
  });
});

describe('safePath on Windows (platform simulated)', () => {
  it('checks no owner and changes no mode, but still refuses links and wrong kinds', () => {
    const token = path.join(home, 'token');
    fs.writeFileSync(token, 'x'.repeat(64));
    fs.chmodSync(token, 0o644);
    auditHome(home, windows);
    expect(mode(token)).toBe(0o644);
    fs.writeFileSync(path.join(home, 'logs'), '');
    expect(() => auditHome(home, windows)).toThrow(/should be a folder/);
  });
});
