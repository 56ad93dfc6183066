import {
  DEFAULT_PROFILE,
  PROFILE_NAME,
  ProviderIds,
  type KeychainState,
  type KeyInfo,
  type ProviderId,
  type ProviderKeys,
} from '../../protocol';
import { LruMap } from '../platform/lruMap';
import type { FileKeys, FileKeyStore } from './fileKeyStore';
import { keychainError, type KeychainBackend, type KeychainError } from './keychain';
import { last4 } from './keyFormat';
import type { SessionKeys } from './sessionKeys';
import { nodeCrypto } from '../platform/nodeCrypto';

/** One key as stored in the keychain. */
interface StoredKey {
  id: string;
  key: string;
  addedAt: number;
}

/** One profile's keys, stored as a single keychain entry. */
type ProfileKeys = Partial<Record<ProviderId, StoredKey[]>>;

/** A key the gateway may use, best first. */
export interface KeyCandidate {
  key: string;
  origin: 'keychain' | 'session' | 'file' | 'env';
  /** "k1"… for keychain keys, "window" for a window's, "file" for the file's, the variable's name for env. */
  id: string;
  addedAt?: number;
}

/** The stores after the keychain: keys handed over by VS Code windows, and the opt-in file. */
export interface KeyRingSources {
  session?: SessionKeys;
  file?: FileKeyStore;
}

const INDEX_ACCOUNT = 'profiles';
const profileAccount = (profile: string) => `profile:${profile}`;

const KEY_ENV: Record<ProviderId, readonly string[]> = {
  anthropic: ['ANTHROPIC_API_KEY'],
  openai: ['OPENAI_API_KEY'],
  gemini: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  openaiCompatible: ['OPENAI_COMPATIBLE_API_KEY'],
  anthropicBedrock: ['AWS_BEARER_TOKEN_BEDROCK'],
  // Google ADC is not a key: nothing in the environment is one.
  anthropicVertex: [],
  geminiVertex: [],
  azureOpenai: ['AZURE_OPENAI_API_KEY'],
};

export function envKey(id: ProviderId, env: NodeJS.ProcessEnv): { name: string; key: string } | undefined {
  for (const name of KEY_ENV[id]) {
    const key = env[name]?.trim();
    if (key) return { name, key };
  }
  return undefined;
}

export class ProfileNameError extends Error {
  override name = 'ProfileNameError';
}

export function checkProfile(profile: string): string {
  if (!PROFILE_NAME.test(profile))
    throw new ProfileNameError(
      `"${profile.slice(0, 50)}" is not a valid profile name: use letters, digits, ".", "_" and "-" (up to 40).`,
    );
  return profile;
}

/** Rejected keys remembered; far more than any profile holds. */
export const MAX_REJECTED_KEYS = 256;

const digest = (key: string) => nodeCrypto().createHash('sha256').update(key).digest('hex').slice(0, 16);

/**
 * The daemon's keys: the keychain's entries held in memory, so that a request looks its key up
 * without a D-Bus round trip. The keychain is read once at start and written through on every
 * change; a change is visible to the next request, while requests in flight keep the client
 * (and key) they started with.
 */
export class KeyRing {
  private readonly profiles = new Map<string, ProfileKeys>();
  // Digests of keys a provider answered 401 to. A rotated or window-provided key may never be
  // removed here, so the oldest goes past the bound (at worst it is tried, and rejected, once more).
  private readonly rejected = new LruMap<string, true>(MAX_REJECTED_KEYS);
  private problem: KeychainError | undefined;
  private writes: Promise<unknown> = Promise.resolve();
  private fileKeys: FileKeys = {};
  private fileProblem: string | undefined;

  constructor(
    private readonly backend: KeychainBackend,
    private readonly onKey: (key: string) => void = () => undefined,
    readonly sources: KeyRingSources = {},
  ) {}

  /** Reads every profile. A keychain that cannot be read leaves the ring empty, with the reason. */
  async load(): Promise<void> {
    try {
      const names = parseIndex(await this.backend.get(INDEX_ACCOUNT));
      const loaded = new Map<string, ProfileKeys>();
      for (const name of names) loaded.set(name, parseProfile(await this.backend.get(profileAccount(name))));
      this.profiles.clear();
      for (const [name, keys] of loaded) {
        this.profiles.set(name, keys);
        for (const list of Object.values(keys)) for (const k of list ?? []) this.onKey(k.key);
      }
      this.problem = undefined;
    } catch (err) {
      this.problem = keychainError(err);
    }
    this.loadFile();
  }

  /** The file store is read with the keychain; an unsafe file leaves its keys unused, with the reason. */
  private loadFile(): void {
    const store = this.sources.file;
    if (!store) return;
    try {
      this.fileKeys = store.read();
      this.fileProblem = undefined;
      for (const keys of Object.values(this.fileKeys)) for (const key of Object.values(keys)) this.onKey(key);
    } catch (err) {
      this.fileKeys = {};
      this.fileProblem = err instanceof Error ? err.message : String(err);
    }
  }

  /** The file store's path when it exists or was refused, and why it was refused. */
  get fileState(): { path: string; problem?: string } | undefined {
    const store = this.sources.file;
    if (!store || (!this.fileProblem && Object.keys(this.fileKeys).length === 0)) return undefined;
    return this.fileProblem ? { path: store.file, problem: this.fileProblem } : { path: store.file };
  }

  get state(): KeychainState {
    return this.problem
      ? { available: false, store: this.backend.store, problem: this.problem.message }
      : { available: true, store: this.backend.store };
  }

  /**
   * Every key for a provider in resolution order: the keychain's, then one handed over by a VS
   * Code window, then the opt-in file store's, then the environment's. A key found twice counts
   * once, where it is found first. Sync: every store is already in memory.
   */
  private sourced(provider: ProviderId, profile: string, env: NodeJS.ProcessEnv): KeyCandidate[] {
    const all: KeyCandidate[] = (this.profiles.get(profile)?.[provider] ?? []).map((k) => ({
      key: k.key,
      origin: 'keychain' as const,
      id: k.id,
      addedAt: k.addedAt,
    }));
    const add = (key: string | undefined, origin: KeyCandidate['origin'], id: string) => {
      if (key && !all.some((c) => c.key === key)) all.push({ key, origin, id });
    };
    add(this.sources.session?.get(profile, provider), 'session', 'window');
    add(this.fileKeys[profile]?.[provider], 'file', 'file');
    const fromEnv = envKey(provider, env);
    add(fromEnv?.key, 'env', fromEnv?.name ?? '');
    return all;
  }

  /** Keys to try for a provider, best first (see sourced()). Sync. */
  candidates(provider: ProviderId, profile: string, env: NodeJS.ProcessEnv): KeyCandidate[] {
    const all = this.sourced(provider, profile, env);
    // Every request asks, for each provider its fallbacks may use: no digest while none was rejected.
    if (this.rejected.size === 0) return all;
    // A key the provider rejected is skipped while another remains; with none left, try them all.
    const good = all.filter((c) => !this.rejected.has(digest(c.key)));
    return good.length > 0 ? good : all;
  }

  /** The provider answered 401 to this key: the next request starts with the next key. */
  markRejected(key: string): void {
    this.rejected.set(digest(key), true);
  }

  isRejected(key: string): boolean {
    return this.rejected.has(digest(key));
  }

  profileNames(): string[] {
    return [...this.profiles.keys()]
      .filter((p) => Object.values(this.profiles.get(p) ?? {}).some((l) => (l?.length ?? 0) > 0))
      .sort();
  }

  list(profile: string, env: NodeJS.ProcessEnv): ProviderKeys[] {
    return ProviderIds.map((provider) => {
      const active = this.candidates(provider, profile, env)[0];
      const keys: KeyInfo[] = this.sourced(provider, profile, env).map((k) => ({
        origin: k.origin,
        id: k.id,
        last4: last4(k.key),
        active: active?.key === k.key,
        rejected: this.isRejected(k.key),
        ...(k.addedAt !== undefined ? { addedAt: k.addedAt } : {}),
      }));
      return { provider, keys };
    });
  }

  /**
   * Stores a key: it replaces the provider's keys, or with `add` joins them as the next one to
   * try. Written to the keychain first; memory changes only once the keychain has it, so a
   * keychain failure stores nothing anywhere.
   */
  set(
    profile: string,
    provider: ProviderId,
    key: string,
    add: boolean,
    now = Date.now(),
  ): Promise<{ id: string; count: number }> {
    return this.serialize(async () => {
      checkProfile(profile);
      await this.ensureLoaded();
      const current = this.profiles.get(profile) ?? {};
      const existing = add ? (current[provider] ?? []).filter((k) => k.key !== key) : [];
      const id = nextId(current[provider] ?? []);
      const next: ProfileKeys = { ...current, [provider]: [...existing, { id, key, addedAt: now }] };
      await this.write(profile, next);
      this.onKey(key);
      this.rejected.delete(digest(key));
      return { id, count: next[provider]?.length ?? 0 };
    });
  }

  remove(
    profile: string,
    provider: ProviderId,
    id: string | undefined,
  ): Promise<{ removed: number; remaining: number }> {
    return this.serialize(async () => {
      checkProfile(profile);
      await this.ensureLoaded();
      const current = this.profiles.get(profile) ?? {};
      const list = current[provider] ?? [];
      const kept = id === undefined ? [] : list.filter((k) => k.id !== id);
      const removed = list.length - kept.length;
      if (removed === 0) return { removed: 0, remaining: list.length };
      const next: ProfileKeys = { ...current };
      if (kept.length) next[provider] = kept;
      else delete next[provider];
      await this.write(profile, next);
      return { removed, remaining: kept.length };
    });
  }

  /** Stores a key in the opt-in file store (one per provider and profile), replacing the file's one. */
  setInFile(profile: string, provider: ProviderId, key: string): Promise<void> {
    return this.serialize(async () => {
      checkProfile(profile);
      const store = this.fileStore();
      store.set(profile, provider, key);
      this.onKey(key);
      this.rejected.delete(digest(key));
      this.loadFile();
    });
  }

  /** Removes the file store's key; false when it had none (or there is no file). */
  removeFromFile(profile: string, provider: ProviderId): Promise<boolean> {
    return this.serialize(async () => {
      checkProfile(profile);
      const removed = this.fileStore().remove(profile, provider);
      this.loadFile();
      return removed;
    });
  }

  private fileStore(): FileKeyStore {
    if (!this.sources.file) throw new Error('This daemon has no file key store.');
    return this.sources.file;
  }

  /**
   * A write rewrites the profile index, so it must start from what the keychain holds: after a
   * failed load, load again, and refuse (fail closed) if the keychain still cannot be read.
   */
  private async ensureLoaded(): Promise<void> {
    if (!this.problem) return;
    await this.load();
    if (this.problem) throw this.problem;
  }

  private async write(profile: string, keys: ProfileKeys): Promise<void> {
    try {
      const empty = Object.values(keys).every((l) => !l || l.length === 0);
      if (empty) await this.backend.delete(profileAccount(profile));
      else await this.backend.set(profileAccount(profile), JSON.stringify({ version: 1, providers: keys }));
      const names = new Set(this.profiles.keys());
      if (empty) names.delete(profile);
      else names.add(profile);
      const index = [...names].sort();
      if (index.length) await this.backend.set(INDEX_ACCOUNT, JSON.stringify(index));
      else await this.backend.delete(INDEX_ACCOUNT);
      if (empty) this.profiles.delete(profile);
      else this.profiles.set(profile, keys);
      this.problem = undefined;
    } catch (err) {
      const problem = keychainError(err);
      this.problem = problem;
      throw problem;
    }
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writes.then(work, work);
    this.writes = run.catch(() => undefined);
    return run;
  }
}

function nextId(list: StoredKey[]): string {
  const max = list.reduce((n, k) => Math.max(n, Number(k.id.slice(1)) || 0), 0);
  return `k${max + 1}`;
}

function parseIndex(raw: string | null): string[] {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed)
      ? parsed.filter((p): p is string => typeof p === 'string' && PROFILE_NAME.test(p))
      : [];
  } catch {
    return [];
  }
}

function parseProfile(raw: string | null): ProfileKeys {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return {};
  }
  const providers = (parsed as { providers?: unknown } | null)?.providers;
  if (!providers || typeof providers !== 'object') return {};
  const out: ProfileKeys = {};
  for (const id of ProviderIds) {
    const list = (providers as Record<string, unknown>)[id];
    if (!Array.isArray(list)) continue;
    const keys = list
      .filter(
        (k): k is StoredKey =>
          !!k &&
          typeof k === 'object' &&
          typeof (k as StoredKey).id === 'string' &&
          typeof (k as StoredKey).key === 'string' &&
          (k as StoredKey).key.length > 0,
      )
      .map((k) => ({ id: k.id, key: k.key, addedAt: typeof k.addedAt === 'number' ? k.addedAt : 0 }));
    if (keys.length) out[id] = keys;
  }
  return out;
}

export { DEFAULT_PROFILE };
