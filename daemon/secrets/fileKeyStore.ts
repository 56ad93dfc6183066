import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConduitError, PROFILE_NAME, ProviderIds, type ProviderId } from '../../protocol';
import { currentPlatform, type HomePlatform } from '../home/safePath';

/** The opt-in store's file name in CONDUIT_HOME; "insecure" says what it is to anyone listing the folder. */
export const INSECURE_KEYS_FILE = 'keys.insecure.json';

/** Per profile, one key per provider. */
export type FileKeys = Record<string, Partial<Record<ProviderId, string>>>;

/** The file cannot be trusted (another user's, readable by others, a link); its keys are not used. */
export class FileKeyStoreError extends ConduitError {
  constructor(message: string) {
    super({ code: 'home_unsafe', message });
    this.name = 'FileKeyStoreError';
  }
}

const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/**
 * `conduit key set PROVIDER --insecure-storage`: keys in a plain JSON file, for machines with no
 * OS keychain (SSH sessions, containers, WSL), as the GitHub CLI's `--insecure-storage` does. The
 * file is created 0600 and every read checks that it is still ours and private: a file that
 * group or others could read is refused, not silently tightened, because its keys may already
 * have been read and must be replaced. On Windows there are no POSIX modes; the file relies on
 * CONDUIT_HOME's owner-only ACL (the per-user data folder), and only the link and file-kind
 * checks apply.
 */
export class FileKeyStore {
  constructor(
    readonly file: string,
    private readonly plat: HomePlatform = currentPlatform(),
  ) {}

  static inHome(home: string, plat?: HomePlatform): FileKeyStore {
    return new FileKeyStore(path.join(home, INSECURE_KEYS_FILE), plat);
  }

  /** The stored keys; none when the file does not exist. Throws FileKeyStoreError when unsafe. */
  read(): FileKeys {
    let fd: number;
    try {
      fd = fs.openSync(this.file, fs.constants.O_RDONLY | NOFOLLOW);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return {};
      if (code === 'ELOOP') throw this.unsafe('is a symbolic link');
      throw err;
    }
    try {
      this.check(fs.fstatSync(fd));
      return this.parse(fs.readFileSync(fd, 'utf8'));
    } finally {
      fs.closeSync(fd);
    }
  }

  set(profile: string, provider: ProviderId, key: string): void {
    const keys = this.read();
    keys[profile] = { ...keys[profile], [provider]: key };
    this.write(keys);
  }

  /** Returns whether there was a key to remove. */
  remove(profile: string, provider: ProviderId): boolean {
    const keys = this.read();
    if (!keys[profile]?.[provider]) return false;
    delete keys[profile][provider];
    if (Object.keys(keys[profile]).length === 0) delete keys[profile];
    if (Object.keys(keys).length === 0) fs.rmSync(this.file, { force: true });
    else this.write(keys);
    return true;
  }

  private check(st: fs.Stats): void {
    if (!st.isFile()) throw this.unsafe('is not a regular file');
    if (!this.plat.posix) return;
    if (this.plat.uid !== undefined && st.uid !== this.plat.uid)
      throw this.unsafe(`belongs to another user (uid ${st.uid})`);
    const mode = st.mode & 0o777;
    if ((mode & 0o077) !== 0)
      throw this.unsafe(
        `can be read or changed by other users (mode ${mode.toString(8).padStart(4, '0')}), ` +
          'so its keys may have been seen',
      );
  }

  private unsafe(problem: string): FileKeyStoreError {
    return new FileKeyStoreError(
      `The insecure key file ${this.file} ${problem}; its keys are not used. Replace those keys at the provider, ` +
        'then remove the file and store them again with `conduit key set PROVIDER --insecure-storage`.',
    );
  }

  /** Written beside the file and renamed over it, created 0600, so no reader sees half a file. */
  private write(keys: FileKeys): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.rmSync(tmp, { force: true });
    const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | NOFOLLOW, 0o600);
    try {
      fs.writeFileSync(fd, JSON.stringify({ version: 1, profiles: keys }, null, 2) + '\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
  }

  /** A file that does not parse is refused rather than overwritten by the next set. */
  private parse(text: string): FileKeys {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new FileKeyStoreError(
        `The insecure key file ${this.file} is not valid JSON. Remove it and store the keys again with ` +
          '`conduit key set PROVIDER --insecure-storage`.',
      );
    }
    return keysOf(parsed);
  }
}

function keysOf(parsed: unknown): FileKeys {
  const profiles = (parsed as { profiles?: unknown } | null)?.profiles;
  if (!profiles || typeof profiles !== 'object') return {};
  const out: FileKeys = {};
  for (const [profile, entry] of Object.entries(profiles as Record<string, unknown>)) {
    if (!PROFILE_NAME.test(profile) || !entry || typeof entry !== 'object') continue;
    const keys: Partial<Record<ProviderId, string>> = {};
    for (const id of ProviderIds) {
      const key = (entry as Record<string, unknown>)[id];
      if (typeof key === 'string' && key.length > 0) keys[id] = key;
    }
    if (Object.keys(keys).length > 0) out[profile] = keys;
  }
  return out;
}
