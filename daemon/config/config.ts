import * as fs from 'node:fs';
import { z } from 'zod';
import { ProviderIds, type ProviderId } from '../../protocol';
import { defaultModelFor } from '../router/models';
import { alertThresholdsSchema } from '../usage/alertThresholds';
import { samplingSchema } from '../usage/sampling';
import { rateLimitSettingsSchema } from '../ratelimit/rateLimitSettings';
import { guardSettingsSchema } from '../guard/guardSettings';
import { cacheSchema } from '../cache/cacheSettings';
import { experimentsSchema } from '../router/experimentSettings';
import { routingSchema, tierModelsSchema } from '../router/routingSettings';
import { budgetSchema } from '../usage/budgetSettings';
import { priceOverridesSchema } from '../usage/pricing';
import { batchSettingsSchema } from '../batch/batchSettings';
import type { PlatformSettings } from '../providers/types';
import { isPlatformProvider, platformFields, PLATFORM_BASE_URL_ENV, resolvePlatform } from './platformSettings';
import { teamSchema } from '../team/teamSettings';
import { stripBom } from '../platform/textFile';
import { serverSchema } from '../http/serverSettings';
import { ONE_SHOT_PARSE } from './oneShotParse';

const providerSettings = z
  .object({
    baseURL: z.string().url().optional(),
    model: z.string().min(1).optional(),
    /** The model for each routing tier; the catalogue's DEFAULT_TIER_MODELS where absent. */
    models: tierModelsSchema.optional(),
  })
  .strict();

const fallbackTarget = z
  .object({
    provider: z.enum(ProviderIds),
    model: z.string().min(1).optional(),
  })
  .strict();

export const resilienceSchema = z
  .object({
    /** Attempts per provider/model, including the first. The guide asks for 3 to 5. */
    maxAttempts: z.number().int().min(1).max(10).default(4),
    baseDelayMs: z.number().int().min(0).max(60_000).default(1000),
    /** The most one backoff wait may be. */
    maxDelayMs: z.number().int().min(0).max(600_000).default(30_000),
    /** The most all waits of one request may add up to; a server hint beyond it fails fast. */
    retryBudgetMs: z.number().int().min(0).max(3_600_000).default(60_000),
    timeouts: z
      .object({
        connectMs: z.number().int().positive().default(10_000),
        firstByteMs: z.number().int().positive().default(60_000),
        /** First-byte timeout per feature, e.g. { "explain": 30000 }. */
        firstByteMsByFeature: z.record(z.string(), z.number().int().positive()).default({}),
        /** No stream event (pings excluded) for this long fails the attempt. */
        streamIdleMs: z.number().int().positive().default(30_000),
        /** The whole request, all attempts and waits included (background requests). */
        requestMs: z.number().int().positive().default(300_000),
        /** The whole interactive request: someone is waiting (resilience/interactiveDeadlines.ts). */
        interactiveRequestMs: z.number().int().positive().default(60_000),
        /** An interactive stream's first event; past it the request moves to the next fallback. */
        interactiveFirstByteMs: z.number().int().positive().default(15_000),
      })
      .strict()
      .default({
        connectMs: 10_000,
        firstByteMs: 60_000,
        firstByteMsByFeature: {},
        streamIdleMs: 30_000,
        requestMs: 300_000,
        interactiveRequestMs: 60_000,
        interactiveFirstByteMs: 15_000,
      }),
    breaker: z
      .object({
        consecutiveFailures: z.number().int().min(1).default(5),
        /** Opens when at least this share of the last `windowMs` requests failed… */
        failureRate: z.number().min(0).max(1).default(0.5),
        /** …and there were at least this many of them. */
        minRequests: z.number().int().min(1).default(10),
        windowMs: z.number().int().positive().default(60_000),
        /** How long it stays open before letting one probe through. */
        openMs: z.number().int().positive().default(30_000),
      })
      .strict()
      .default({ consecutiveFailures: 5, failureRate: 0.5, minRequests: 10, windowMs: 60_000, openMs: 30_000 }),
    fallback: z
      .object({
        /** Tried in order after the primary fails; per feature, with "*" for every feature. */
        chains: z.record(z.string(), z.array(fallbackTarget)).default({}),
        /** Allow a fallback to a model whose prices are higher than the primary's. */
        allowCostlier: z.boolean().default(false),
        staleCache: z.boolean().default(true),
        simplifiedResponse: z.boolean().default(true),
        /**
         * With no chain configured, fall back across the other providers that have a key, at the
         * same tier and within the cost guard (resilience/defaultChain.ts).
         */
        automatic: z.boolean().default(true),
      })
      .strict()
      .default({ chains: {}, allowCostlier: false, staleCache: true, simplifiedResponse: true, automatic: true }),
  })
  .strict();

export type ResilienceConfig = z.infer<typeof resilienceSchema>;

export const configSchema = z
  .object({
    provider: z.enum(ProviderIds).default('anthropic'),
    idleTimeoutMinutes: z
      .number()
      .positive()
      .max(7 * 24 * 60)
      .default(30),
    /** The largest JSON-RPC message the daemon accepts, in bytes. */
    maxMessageBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .max(256 * 1024 * 1024)
      .default(8 * 1024 * 1024),
    /** The durable queue: a job the daemon stopped during (sent, never recorded) is held unless this re-runs it. */
    queue: z
      .object({ rerunUnfinished: z.boolean().default(false) })
      .strict()
      .default({ rerunUnfinished: false }),
    /** The largest prompt (system + messages) in characters; the guard refuses more. */
    maxPromptChars: z.number().int().positive().default(1_000_000),
    defaultMaxTokens: z.number().int().positive().default(1024),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /**
     * When a request's answer may go back: once its ledger row is fsynced ("disk", the default:
     * an answered request's row survives a power cut), or once it is written to the WAL
     * ("written": it survives the daemon being killed, the fsync follows off the reply path, and a
     * power cut can lose the last moment of rows). See daemon/usage/walSync.ts.
     */
    ledgerAck: z.enum(['disk', 'written']).default('disk'),
    resilience: resilienceSchema.default(resilienceSchema.parse({}, ONE_SHOT_PARSE)),
    alerts: alertThresholdsSchema.default(alertThresholdsSchema.parse({}, ONE_SHOT_PARSE)),
    /** The ledger's raw rows are kept this many days; older figures stay in the rollups (docs/usage-at-scale.md). */
    usage: z
      .object({ retentionDays: z.number().int().min(1).max(36_500).default(90) })
      .strict()
      .default({ retentionDays: 90 }),
    /** Redacted prompt and answer text in the ledger, opt-in. */
    sampling: samplingSchema.default(samplingSchema.parse({}, ONE_SHOT_PARSE)),
    /** Request and token buckets per provider and key; see daemon/ratelimit/rateLimitSettings.ts. */
    rateLimit: rateLimitSettingsSchema.default(rateLimitSettingsSchema.parse({}, ONE_SHOT_PARSE)),
    /** The key set (profile) requests use unless they name one; `conduit --profile` overrides. */
    profile: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/)
      .default('default'),
    guard: guardSettingsSchema.default(guardSettingsSchema.parse({}, ONE_SHOT_PARSE)),
    cache: cacheSchema.default(cacheSchema.parse({}, ONE_SHOT_PARSE)),
    /** Routing by task complexity; see daemon/router/routingSettings.ts. */
    routing: routingSchema.default(routingSchema.parse({}, ONE_SHOT_PARSE)),
    budgets: budgetSchema.default(budgetSchema.parse({}, ONE_SHOT_PARSE)),
    experiments: experimentsSchema.default([]),
    /** Price overrides per model id, USD per million tokens; they win over the catalogue everywhere. */
    prices: priceOverridesSchema.default({}),
    /** Batch jobs: how often to ask the provider; see daemon/batch/batchSettings.ts. */
    batch: batchSettingsSchema.default(batchSettingsSchema.parse({}, ONE_SHOT_PARSE)),
    /** Team mode: shared limits, cache, budgets and usage on Redis; see daemon/team/teamSettings.ts. */
    team: teamSchema.default(teamSchema.parse({}, ONE_SHOT_PARSE)),
    /** The opt-in local OpenAI/Anthropic endpoint; see daemon/http/serverSettings.ts. */
    server: serverSchema.default(serverSchema.parse({}, ONE_SHOT_PARSE)),
    providers: z
      .object({
        anthropic: providerSettings.default({}),
        openai: providerSettings.default({}),
        gemini: providerSettings.default({}),
        openaiCompatible: providerSettings.default({}),
        anthropicBedrock: providerSettings.extend(platformFields.anthropicBedrock).default({}),
        anthropicVertex: providerSettings.extend(platformFields.anthropicVertex).default({}),
        geminiVertex: providerSettings.extend(platformFields.geminiVertex).default({}),
        azureOpenai: providerSettings.extend(platformFields.azureOpenai).default({}),
      })
      .strict()
      .default({
        anthropic: {},
        openai: {},
        gemini: {},
        openaiCompatible: {},
        anthropicBedrock: {},
        anthropicVertex: {},
        geminiVertex: {},
        azureOpenai: {},
      }),
  })
  .strict();

export type ConduitConfig = z.infer<typeof configSchema>;

export interface ResolvedProvider {
  id: ProviderId;
  baseURL: string;
  model: string;
  /** Cloud platform providers: region, project, location, API version, deployments. */
  platform?: PlatformSettings;
}

/** Cloud platforms' defaults depend on their region or location; see platformSettings.ts. */
const DEFAULT_BASE_URLS: Partial<Record<ProviderId, string>> = {
  anthropic: 'https://api.anthropic.com',
  openai: 'https://api.openai.com/v1',
  gemini: 'https://generativelanguage.googleapis.com',
  // Ollama's OpenAI-compatible endpoint; LM Studio and vLLM users set their own.
  openaiCompatible: 'http://127.0.0.1:11434/v1',
};

/** Without routing, a provider answers with its moderate-tier model from the catalogue. */
function defaultModel(id: ProviderId): string {
  // A local server's models are whatever the user pulled; Ollama's common default.
  return defaultModelFor(id, 'moderate') ?? 'llama3.2';
}

const BASE_URL_ENV: Record<ProviderId, string> = {
  anthropic: 'ANTHROPIC_BASE_URL',
  openai: 'OPENAI_BASE_URL',
  gemini: 'GOOGLE_GEMINI_BASE_URL',
  openaiCompatible: 'CONDUIT_OPENAI_COMPATIBLE_BASE_URL',
  ...PLATFORM_BASE_URL_ENV,
};

export function resolveProvider(
  config: ConduitConfig,
  id: ProviderId,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedProvider {
  const own = config.providers[id];
  const platform = isPlatformProvider(id) ? resolvePlatform(id, own, env) : undefined;
  return {
    id,
    baseURL: own.baseURL ?? env[BASE_URL_ENV[id]] ?? platform?.baseURL ?? DEFAULT_BASE_URLS[id] ?? '',
    model: own.model ?? defaultModel(id),
    ...(platform ? { platform: platform.platform } : {}),
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads CONDUIT_HOME/config.json. A missing file means defaults. A broken one is an error
 * whose message names the file and the bad field, so the caller can keep its last good config.
 */
export function loadConfig(file: string): ConduitConfig {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return configSchema.parse({}, ONE_SHOT_PARSE);
    throw new ConfigError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(stripBom(raw));
  } catch (err) {
    throw new ConfigError(
      `${file} is not valid JSON (${(err as Error).message}). Fix it or delete it to use the defaults.`,
    );
  }
  const parsed = configSchema.safeParse(json, ONE_SHOT_PARSE);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError(`${file} has invalid settings: ${issues}. The defaults are used until it is fixed.`);
  }
  return parsed.data;
}
