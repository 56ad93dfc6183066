import type { AsyncEntry } from '@napi-rs/keyring';
import { loadNative } from '../platform/loadNative';
import { NativeModuleError } from '../platform/nativeModule';

/** The few keychain operations Conduit needs; an in-memory one stands in for it in unit tests. */
export interface KeychainBackend {
  /** A name for status output: "secret-service", "macos-keychain", "windows-credential-manager". */
  readonly store: string;
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

export type KeychainProblemKind = 'no-dbus' | 'locked' | 'denied' | 'timeout' | 'unavailable';

/**
 * The keychain cannot be used. The message says why and how to fix it, and never suggests a
 * file: Conduit fails closed rather than store a key anywhere else.
 */
export class KeychainError extends Error {
  override name = 'KeychainError';

  constructor(
    readonly kind: KeychainProblemKind,
    message: string,
    readonly detail: string,
  ) {
    super(message);
  }
}

const ENV_HINT =
  'or give the daemon the key in the environment instead (ANTHROPIC_API_KEY, OPENAI_API_KEY or GEMINI_API_KEY), then `conduit stop` so it restarts with it';

/** Turns the keyring library's error into one a user can act on. */
export function keychainError(err: unknown): KeychainError {
  if (err instanceof KeychainError) return err;
  if (err instanceof NativeModuleError) return new KeychainError('unavailable', err.message, err.failure.reason);
  const detail = describe(err);
  if (
    /DBUS_SESSION_BUS_ADDRESS|autolaunch|D-?Bus.*(connect|address|socket)|Failed to connect to socket|No such file or directory/i.test(
      detail,
    )
  ) {
    return new KeychainError(
      'no-dbus',
      `The OS keychain is unavailable: there is no D-Bus session bus, so the Secret Service cannot be reached (${detail}). Run the daemon inside a desktop session with an unlocked keyring (GNOME Keyring or KWallet), ${ENV_HINT}.`,
      detail,
    );
  }
  if (/locked|prompt.*dismiss|dismissed|no result found|unlock/i.test(detail)) {
    return new KeychainError(
      'locked',
      `The OS keychain is locked (${detail}). Unlock your login keyring (log in to the desktop, or open "Passwords and Keys" / Keychain Access and unlock it), ${ENV_HINT}.`,
      detail,
    );
  }
  if (/denied|not permitted|permission|authoriz/i.test(detail)) {
    return new KeychainError(
      'denied',
      `Access to the OS keychain was denied (${detail}). Allow Conduit (the Node or VS Code process) to use the keychain, ${ENV_HINT}.`,
      detail,
    );
  }
  return new KeychainError(
    'unavailable',
    `The OS keychain is unavailable (${detail}). Make sure a keychain service is running and unlocked, ${ENV_HINT}.`,
    detail,
  );
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // napi-rs nests the platform error in `cause`; the innermost one names the real problem.
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 4; depth++) {
    if (!parts.some((p) => p.includes(e instanceof Error ? e.message : ''))) parts.push(e.message);
    e = e.cause;
  }
  return parts.join(': ').slice(0, 300);
}

function storeName(): string {
  if (process.platform === 'darwin') return 'macos-keychain';
  if (process.platform === 'win32') return 'windows-credential-manager';
  return 'secret-service';
}

/**
 * The OS keychain through @napi-rs/keyring (Node-API, so it loads in VS Code's runtime too).
 * On Linux the store is pinned to the Secret Service: left to itself the library falls back to
 * the kernel keyring, which forgets everything at logout and is not what a user can inspect.
 * Every call is async (the library's thread pool), so D-Bus never blocks the event loop.
 */
export class OsKeychain implements KeychainBackend {
  readonly store = storeName();

  constructor(
    private readonly service: string,
    private readonly timeoutMs = 5000,
  ) {}

  get(account: string): Promise<string | null> {
    return this.call(account, (e) => e.getPassword());
  }

  set(account: string, value: string): Promise<void> {
    return this.call(account, (e) => e.setPassword(value));
  }

  delete(account: string): Promise<boolean> {
    return this.call(account, (e) => e.deletePassword());
  }

  private async call<T>(account: string, op: (entry: AsyncEntry) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // The constructor itself throws when there is no D-Bus session.
      const { AsyncEntry: Entry } = loadNative<typeof import('@napi-rs/keyring')>('@napi-rs/keyring');
      const entry = new Entry(this.service, account, { linux: { store: 'secret-service' } });
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new KeychainError(
                'timeout',
                `The OS keychain did not answer within ${this.timeoutMs / 1000} s; it may be waiting for an unlock prompt. Unlock it, ${ENV_HINT}.`,
                'timeout',
              ),
            ),
          this.timeoutMs,
        );
        timer.unref();
      });
      return await Promise.race([op(entry), timeout]);
    } catch (err) {
      throw keychainError(err);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}

/** A keychain in memory, for tests; `fail` makes every call fail as a locked one would. */
export class MemoryKeychain implements KeychainBackend {
  readonly store = 'memory';
  readonly entries = new Map<string, string>();
  fail: KeychainError | undefined;

  async get(account: string): Promise<string | null> {
    this.check();
    return this.entries.get(account) ?? null;
  }

  async set(account: string, value: string): Promise<void> {
    this.check();
    this.entries.set(account, value);
  }

  async delete(account: string): Promise<boolean> {
    this.check();
    return this.entries.delete(account);
  }

  private check(): void {
    if (this.fail) throw this.fail;
  }
}
