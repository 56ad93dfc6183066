import * as crypto from 'node:crypto';
import { createAdapter } from '../providers/createAdapter';
import type { ProviderAdapter } from '../providers/types';
import type { AdapterSource, AdapterSpec } from './adapterSource';

/**
 * SDK clients are built once per provider, base URL, key, connect timeout and platform settings,
 * so connections are reused across requests. A new key (rotation) or a new region simply gets a
 * new client; the old one finishes its in-flight work.
 */
export class AdapterPool implements AdapterSource {
  private readonly adapters = new Map<string, ProviderAdapter>();

  get({ id, baseURL, apiKey, connectTimeoutMs, platform }: AdapterSpec): ProviderAdapter {
    // The map key holds a digest, not the key itself, so a heap dump of the map reveals nothing.
    const digest = crypto.createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
    const mapKey = `${id}\u0000${baseURL}\u0000${digest}\u0000${connectTimeoutMs}\u0000${platform ? JSON.stringify(platform) : ''}`;
    let adapter = this.adapters.get(mapKey);
    if (!adapter) {
      adapter = createAdapter(id, { apiKey, baseURL, connectTimeoutMs, ...(platform ? { platform } : {}) });
      this.adapters.set(mapKey, adapter);
    }
    return adapter;
  }
}
