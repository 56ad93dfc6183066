import type { ProviderId } from '../../protocol';

export const RateLimitTiers = ['tier1', 'tier2', 'tier3', 'tier4', 'tier5', 'custom'] as const;
export type RateLimitTier = (typeof RateLimitTiers)[number];

/**
 * One provider's limits per minute. Anthropic counts input and output tokens separately (ITPM,
 * OTPM); OpenAI counts them together (TPM); Gemini publishes RPM and TPM, where TPM counts input
 * tokens ("Tokens per minute (input)" in its rate-limits page).
 */
export interface ProviderLimits {
  rpm?: number;
  itpm?: number;
  otpm?: number;
  tpm?: number;
  /** Requests that may go at once from a full bucket; defaults to rpm (the provider's own bucket size). */
  burst?: number;
}

type Presets = Record<Exclude<RateLimitTier, 'custom'>, ProviderLimits>;

/**
 * Anthropic, Claude Sonnet 4.x (the default model's class; Opus 4.x has the same numbers, Haiku
 * higher ones, so these are the conservative choice). Source: the "Rate limits" page of the
 * Claude API docs (docs.anthropic.com/en/api/rate-limits, rate limits per usage tier), as
 * transcribed on 2026 mirrors: Tier 1 50 RPM / 30,000 ITPM / 8,000 OTPM; Tier 2 1,000 / 450,000
 * / 90,000; Tier 3 2,000 / 800,000 / 160,000; Tier 4 4,000 / 2,000,000 / 400,000. Anthropic has
 * no Tier 5 (above Tier 4 is a negotiated custom tier), so tier5 repeats Tier 4.
 */
const anthropic: Presets = {
  tier1: { rpm: 50, itpm: 30_000, otpm: 8_000 },
  tier2: { rpm: 1_000, itpm: 450_000, otpm: 90_000 },
  tier3: { rpm: 2_000, itpm: 800_000, otpm: 160_000 },
  tier4: { rpm: 4_000, itpm: 2_000_000, otpm: 400_000 },
  tier5: { rpm: 4_000, itpm: 2_000_000, otpm: 400_000 },
};

/**
 * OpenAI, gpt-5 (limits are per model and published on each model's page, not in one tier
 * table). TPM from OpenAI's September 2025 gpt-5 limit increase (reported on
 * simonwillison.net/2025/Sep/12/gpt-5-rate-limits): Tier 1 500,000, Tier 2 1,000,000, Tier 3
 * 2,000,000, Tier 4 4,000,000, Tier 5 40,000,000. RPM from the gpt-5 model page: 500 / 5,000 /
 * 5,000 / 10,000 / 15,000. The newer gpt-5.x models could not be checked here; the mini models
 * have higher limits, so these are the conservative choice.
 */
const openai: Presets = {
  tier1: { rpm: 500, tpm: 500_000 },
  tier2: { rpm: 5_000, tpm: 1_000_000 },
  tier3: { rpm: 5_000, tpm: 2_000_000 },
  tier4: { rpm: 10_000, tpm: 4_000_000 },
  tier5: { rpm: 15_000, tpm: 40_000_000 },
};

/**
 * Gemini, 2.5 Flash. Source: ai.google.dev/gemini-api/docs/rate-limits (the per-model table is
 * now only shown in AI Studio; these are the last published numbers, as Google's forum staff
 * quoted them): Tier 1 1,000 RPM / 1,000,000 TPM; Tier 2 2,000 / 3,000,000; Tier 3 10,000 /
 * 8,000,000. Gemini has no Tier 4 or 5, so those repeat Tier 3. Pro models have lower RPM
 * (Tier 1: 150) that could not be confirmed for current models; set overrides for them.
 */
const gemini: Presets = {
  tier1: { rpm: 1_000, tpm: 1_000_000 },
  tier2: { rpm: 2_000, tpm: 3_000_000 },
  tier3: { rpm: 10_000, tpm: 8_000_000 },
  tier4: { rpm: 10_000, tpm: 8_000_000 },
  tier5: { rpm: 10_000, tpm: 8_000_000 },
};

const PRESETS: Partial<Record<ProviderId, Presets>> = { anthropic, openai, gemini };

/**
 * The preset for a provider, or undefined: OpenAI-compatible local servers have no published
 * limits, so they are not limited unless the settings give them overrides.
 */
export function presetFor(provider: ProviderId, tier: RateLimitTier): ProviderLimits | undefined {
  if (tier === 'custom') return undefined;
  return PRESETS[provider]?.[tier];
}
