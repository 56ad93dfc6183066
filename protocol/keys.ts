import { RequestType } from 'vscode-jsonrpc';
import type { ProviderId } from './chat';
import type { ConduitErrorData } from './errors';

/**
 * `keys/*`: API keys live in the daemon, in the OS keychain. A key crosses the socket once, in
 * `keys/set`; nothing ever sends one back; listings show at most the last 4 characters.
 */

/** Where a key was found. */
export type KeyOrigin = 'keychain' | 'env';

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
}

export interface KeySetResult {
  provider: ProviderId;
  profile: string;
  /** The stored key's id within the provider's list, e.g. "k2". */
  id: string;
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
}

export interface KeyRemoveParams {
  provider: ProviderId;
  profile?: string;
  /** One key ("k2"); every keychain key of the provider when absent. */
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

export const KeysRemoveRequest = {
  method: 'keys/remove',
  type: new RequestType<KeyRemoveParams, KeyRemoveResult, ConduitErrorData>('keys/remove'),
} as const;

/** Profile names: short, and safe inside a keychain account name. */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
export const DEFAULT_PROFILE = 'default';
