import { ProviderIds } from '../../protocol';
import { limitsFor, type RateLimitSettings } from '../ratelimit/rateLimitSettings';
import type { ProviderLimits } from '../ratelimit/tierPresets';

/**
 * The local limits while the team's Redis is away: each provider's limits times this daemon's
 * share, so the team's daemons together stay under the provider's limits without talking.
 */
export function scaledLimits(settings: RateLimitSettings, share: number): RateLimitSettings {
  if (!settings.enabled || share >= 1) return settings;
  const overrides: Partial<Record<(typeof ProviderIds)[number], ProviderLimits>> = {};
  for (const id of ProviderIds) {
    const limits = limitsFor(settings, id);
    if (!limits) continue;
    const scale = (n: number | undefined) => (n === undefined ? undefined : Math.max(1, Math.floor(n * share)));
    const scaled: ProviderLimits = {};
    for (const k of ['rpm', 'itpm', 'otpm', 'tpm', 'burst'] as const) {
      const v = scale(limits[k]);
      if (v !== undefined) scaled[k] = v;
    }
    overrides[id] = scaled;
  }
  return { ...settings, tier: 'custom', overrides };
}
