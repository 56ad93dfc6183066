import { RequestType } from 'vscode-jsonrpc';
import type { ProviderId } from './chat';
import type { ConduitErrorData } from './errors';

/**
 * `keys/*`: API keys live in the daemon, in the OS keychain. A key crosses the socket once, in
 * `keys/set`; nothing ever sends one back; listings show at most the last 4 characters.
 */

/**
 * Where a key was found. `session`: handed over by a VS Code window from its SecretStorage
 * (`keys/provide`), held in the daemon's memory only while that window is connected. `file`: the
 * opt-in insecure file store (`conduit key set --insecure-storage`).
 */
export type KeyOrigin = 'keychain' | 'session' | 'file' | 'env';

export interface KeychainState {
  available: boolean;
  /** The store in use, e.g. "secret-service", "macos-keychain", "windows-credential-manager". */
  store: string;
  /** When unavailable: why, and how to fix it. */
  problem?: string;
}

export interface KeySetParams {
  provider: ProviderId;
  key: string;
  /** The key set (profile) to store it in; the daemon's configured profile when absent. */
  profile?: string;
  /** Keep the keys already stored and add this one after them, for rotation. */
  add?: boolean;
  /** Make a cheap authenticated call (list models) with the key before storing it. */
  verify?: boolean;
  /**
   * Store it in a plain file in CONDUIT_HOME (mode 0600, owner-checked) instead of the keychain:
   * the explicit opt-in for machines without one (SSH, containers, WSL).
   */
  insecureStorage?: boolean;
}

export interface KeySetResult {
  provider: ProviderId;
  profile: string;
  /** The stored key's id within the provider's list, e.g. "k2"; "file" in the file store. */
  id: string;
  /** Where it was stored: the keychain unless `insecureStorage` was asked for. */
  store?: 'keychain' | 'file';
  last4: string;
  /** How many keys the provider now has in this profile. */
  count: number;
  /** Format doubts: the key was stored anyway. */
  warnings: string[];
  verified?: { ok: boolean; message: string };
}

export interface KeyInfo {
  origin: KeyOrigin;
  /** Keychain keys: "k1", "k2"…; the environment key: the variable's name. */
  id: string;
  last4: string;
  /** The key the next request uses. */
  active: boolean;
  /** Rejected by the provider (401) since the daemon started; skipped until replaced. */
  rejected: boolean;
  addedAt?: number;
}

export interface ProviderKeys {
  provider: ProviderId;
  keys: KeyInfo[];
}

export interface KeysListParams {
  profile?: string;
}

export interface KeysListResult {
  profile: string;
  /** Every profile with at least one keychain key. */
  profiles: string[];
  keychain: KeychainState;
  providers: ProviderKeys[];
  /** The opt-in insecure key file, when it exists or was refused (and why). */
  insecureFile?: { path: string; problem?: string };
}

export interface KeyRemoveParams {
  provider: ProviderId;
  profile?: string;
  /** One key ("k2", or "file" for the file store's); every stored key of the provider when absent. */
  id?: string;
}

export interface KeyRemoveResult {
  provider: ProviderId;
  profile: string;
  removed: number;
  remaining: number;
}

export const KeysSetRequest = {
  method: 'keys/set',
  type: new RequestType<KeySetParams, KeySetResult, ConduitErrorData>('keys/set'),
} as const;

export const KeysListRequest = {
  method: 'keys/list',
  type: new RequestType<KeysListParams, KeysListResult, ConduitErrorData>('keys/list'),
} as const;

/**
 * A key a VS Code window keeps in its SecretStorage, handed to the daemon for as long as that
 * connection stays open (session-scoped): the daemon holds it in memory only, writes it nowhere,
 * and forgets it when the last connection that provided it closes. Used where the OS keychain
 * cannot be reached (code-server, remote, headless). `key: null` withdraws it.
 */
export interface KeysProvideParams {
  provider: ProviderId;
  key: string | null;
  profile?: string;
}

export interface KeysProvideResult {
  provider: ProviderId;
  profile: string;
  /** Empty when the key was withdrawn. */
  last4: string;
  /** Whether this key is the one the next request uses (a keychain key comes first). */
  active: boolean;
  warnings: string[];
}

export const KeysProvideRequest = {
  method: 'keys/provide',
  type: new RequestType<KeysProvideParams, KeysProvideResult, ConduitErrorData>('keys/provide'),
} as const;

export const KeysRemoveRequest = {
  method: 'keys/remove',
  type: new RequestType<KeyRemoveParams, KeyRemoveResult, ConduitErrorData>('keys/remove'),
} as const;

/** Profile names: short, and safe inside a keychain account name. */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
export const DEFAULT_PROFILE = 'default';
