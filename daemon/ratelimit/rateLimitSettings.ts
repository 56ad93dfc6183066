import { z } from 'zod';
import { ProviderIds, type ProviderId } from '../../protocol';
import { presetFor, RateLimitTiers, type ProviderLimits } from './tierPresets';
import { ONE_SHOT_PARSE } from '../config/oneShotParse';

const perMinute = z.number().int().positive();

/** One provider's own numbers; each replaces the tier's, the rest keep the tier's. */
const providerOverrides = z
  .object({
    rpm: perMinute.optional(),
    /** Anthropic: input tokens per minute. */
    itpm: perMinute.optional(),
    /** Anthropic: output tokens per minute. */
    otpm: perMinute.optional(),
    /** OpenAI, Gemini and OpenAI-compatible servers: tokens per minute. */
    tpm: perMinute.optional(),
    /** Requests that may go at once from a full bucket. */
    burst: perMinute.optional(),
  })
  .strict();

export const rateLimitSettingsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** The account's usage tier; `custom` uses only `overrides`. */
    tier: z.enum(RateLimitTiers).default('tier1'),
    overrides: z.partialRecord(z.enum(ProviderIds), providerOverrides).default({}),
    /** Requests that may wait for one provider and key at once; more fail with queue_full. */
    maxQueue: z.number().int().min(0).max(100_000).default(200),
    /**
     * Share of each limit left unused: the provider counts requests when they arrive, which drifts
     * from when we send them, so running exactly at the limit would earn the odd 429.
     */
    margin: z.number().min(0).max(0.5).default(0.02),
  })
  .strict();

export type RateLimitSettings = z.infer<typeof rateLimitSettingsSchema>;

export const defaultRateLimitSettings: RateLimitSettings = rateLimitSettingsSchema.parse({}, ONE_SHOT_PARSE);

/** The limits for one provider, or undefined when it is not limited at all. */
export function limitsFor(settings: RateLimitSettings, provider: ProviderId): ProviderLimits | undefined {
  if (!settings.enabled) return undefined;
  const merged: ProviderLimits = { ...presetFor(provider, settings.tier), ...settings.overrides[provider] };
  const any =
    merged.rpm !== undefined || merged.itpm !== undefined || merged.otpm !== undefined || merged.tpm !== undefined;
  return any ? merged : undefined;
}
