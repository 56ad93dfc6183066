import { ProviderIds } from '../../protocol';
import { Redactor } from '../guard/redact';
import { ambientSecrets } from '../secrets/credentialKind';
import { FileKeyStore } from '../secrets/fileKeyStore';
import { OsKeychain } from '../secrets/keychain';
import { keychainService } from '../secrets/keychainService';
import { KeyRing } from '../secrets/keyRing';
import { resolveKey } from '../secrets/keySource';
import { SessionKeys } from '../secrets/sessionKeys';
import type { KeychainBackend } from '../secrets/keychain';
import type { LogFn } from '../log/logFn';

export interface DaemonSecrets {
  /** Knows every secret the daemon holds, so none reaches a log line. */
  redactor: Redactor;
  /** The one handle on the OS keychain: keys, profiles and the team password all go through it. */
  keychain: KeychainBackend;
  ring: KeyRing;
  /** Settles when the keychain's keys have been read (or could not be). */
  loaded: Promise<void>;
}

/** The redactor first, then the keys: every key is registered with it before it can be logged. */
export function createSecrets(
  home: string,
  token: string,
  env: NodeJS.ProcessEnv = process.env,
  keychain: KeychainBackend = new OsKeychain(keychainService(home)),
): DaemonSecrets {
  const redactor = new Redactor();
  redactor.addSecret(token);
  for (const id of ProviderIds) redactor.addSecret(resolveKey(id, env).key);
  for (const secret of ambientSecrets(env)) redactor.addSecret(secret);
  // Keychain keys are read once, here, and kept in memory: requests never wait on D-Bus.
  const onKey = (key: string) => redactor.addSecret(key);
  // After the keychain: keys VS Code windows hand over (memory only), then the opt-in file.
  const ring = new KeyRing(keychain, onKey, { session: new SessionKeys(onKey), file: FileKeyStore.inHome(home) });
  return { redactor, keychain, ring, loaded: ring.load() };
}

/** Whether the keychain could be read, once its keys are in memory. */
export function logKeychainState(ring: KeyRing, log: LogFn): void {
  const state = ring.state;
  const fields = {
    store: state.store,
    profiles: ring.profileNames(),
    ...(state.problem ? { problem: state.problem } : {}),
    ...(ring.fileState ? { insecureFile: ring.fileState } : {}),
  };
  if (state.available) log('info', 'keychain ready', fields);
  else log('warn', 'keychain unavailable; window, file and environment keys only', fields);
}
