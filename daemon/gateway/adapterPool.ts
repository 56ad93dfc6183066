import { LruMap } from '../platform/lruMap';
import { createAdapter } from '../providers/createAdapter';
import type { ProviderAdapter } from '../providers/types';
import type { AdapterSource, AdapterSpec } from './adapterSource';
import { nodeCrypto } from '../platform/nodeCrypto';

/**
 * How many SDK clients are kept. Every key a window hands over or a rotation brings makes one, with
 * its own connection pool; past this the least recently used is dropped from the pool (requests
 * in flight on it finish; its idle connections close on their keep-alive timeout).
 */
export const MAX_ADAPTERS = 64;

/**
 * SDK clients are built once per provider, base URL, key, connect timeout and platform settings,
 * so connections are reused across requests. A new key (rotation) or a new region simply gets a
 * new client; the old one finishes its in-flight work.
 */
export class AdapterPool implements AdapterSource {
  private readonly adapters = new LruMap<string, ProviderAdapter>(MAX_ADAPTERS);
  // A sha256 on every request cost more than the rest of the pool lookup (bench/profile.ts), so
  // each provider's last key and its digest are kept. The key is in the heap already: its SDK client holds it.
  private readonly lastDigest = new Map<string, { apiKey: string; digest: string }>();

  get({ id, baseURL, apiKey, connectTimeoutMs, platform }: AdapterSpec): ProviderAdapter {
    // The map key holds a digest, not the key itself, so a heap dump of the map reveals nothing.
    const digest = this.digestOf(id, apiKey);
    const mapKey = `${id}\u0000${baseURL}\u0000${digest}\u0000${connectTimeoutMs}\u0000${platform ? JSON.stringify(platform) : ''}`;
    let adapter = this.adapters.get(mapKey);
    if (!adapter) {
      adapter = createAdapter(id, { apiKey, baseURL, connectTimeoutMs, ...(platform ? { platform } : {}) });
      this.adapters.set(mapKey, adapter);
    }
    return adapter;
  }

  /** The key's digest; recomputed only when the provider's key changes (rotation), not per request. */
  private digestOf(id: string, apiKey: string): string {
    const last = this.lastDigest.get(id);
    if (last?.apiKey === apiKey) return last.digest;
    const digest = nodeCrypto().createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
    this.lastDigest.set(id, { apiKey, digest });
    return digest;
  }
}
