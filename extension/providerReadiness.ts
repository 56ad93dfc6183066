import { ProviderIds, type ProviderId, type StatusResult } from '../protocol';

/**
 * The providers in the order Switch Provider lists them: those that can answer now (a key, or
 * none needed), then those without a key, each group in the usual order. Without the daemon's
 * status nothing is known, so every provider counts as usable. Pure.
 */
export function providerReadiness(status: Pick<StatusResult, 'providers'> | undefined): {
  usable: ProviderId[];
  notSetUp: ProviderId[];
} {
  if (!status) return { usable: [...ProviderIds], notSetUp: [] };
  const missing = (id: ProviderId) => (status.providers.find((p) => p.id === id)?.keySource ?? 'none') === 'none';
  return { usable: ProviderIds.filter((id) => !missing(id)), notSetUp: ProviderIds.filter(missing) };
}
