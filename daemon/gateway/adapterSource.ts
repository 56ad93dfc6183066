import type { ProviderId } from '../../protocol';
import type { PlatformSettings, ProviderAdapter } from '../providers/types';

/** What an adapter is built for: one provider, base URL, key, connect timeout and platform. */
export interface AdapterSpec {
  id: ProviderId;
  baseURL: string;
  apiKey: string;
  connectTimeoutMs: number;
  platform?: PlatformSettings;
}

/** Where the gateway gets its provider adapters; `AdapterPool` in the daemon. */
export interface AdapterSource {
  get(spec: AdapterSpec): ProviderAdapter;
}
