import { z } from 'zod';
import { ONE_SHOT_PARSE } from '../config/oneShotParse';

const MINUTE = 60_000;

/** Each section is one rule; `enabled: false` silences it. Defaults follow the guide. */
const errorRate = z
  .object({
    enabled: z.boolean().default(true),
    windowMs: z
      .number()
      .int()
      .positive()
      .default(15 * MINUTE),
    /** Fires above this share of failed requests… */
    rate: z.number().min(0).max(1).default(0.05),
    /** …once the window holds at least this many, so two failures of three do not page anyone. */
    minRequests: z.number().int().min(1).default(20),
  })
  .strict();

const latencyP95 = z
  .object({
    enabled: z.boolean().default(true),
    windowMs: z
      .number()
      .int()
      .positive()
      .default(15 * MINUTE),
    thresholdMs: z.number().int().positive().default(10_000),
    minRequests: z.number().int().min(1).default(10),
  })
  .strict();

const costSpike = z
  .object({
    enabled: z.boolean().default(true),
    /** Today's cost over the average day of the previous `baselineDays`: 1.5 is "50% above". */
    ratio: z.number().positive().default(1.5),
    baselineDays: z.number().int().min(1).max(90).default(7),
    /** Below this many dollars today, a spike is noise. */
    minTodayUsd: z.number().min(0).default(0.1),
  })
  .strict();

const rateLimit = z
  .object({
    enabled: z.boolean().default(true),
    windowMs: z
      .number()
      .int()
      .positive()
      .default(15 * MINUTE),
    /** Requests that ended rate_limited (a 429 the retries could not get past). */
    minRateLimited: z.number().int().min(1).default(1),
    /** Queueing in the limiter for this long, continuously, also fires (fed by the rate limiter). */
    sustainedQueueMs: z.number().int().positive().default(60_000),
    /** "Consistently hitting limits": more than this share of attempts waited or got a 429… */
    pressureShare: z.number().min(0).max(1).default(0.2),
    /** …over this window… */
    pressureWindowMs: z
      .number()
      .int()
      .positive()
      .default(10 * MINUTE),
    /** …once it holds at least this many attempts. */
    pressureMinRequests: z.number().int().min(1).default(20),
  })
  .strict();

const cacheHitDrop = z
  .object({
    enabled: z.boolean().default(true),
    /** The recent window compared with the baseline before it. */
    windowMs: z
      .number()
      .int()
      .positive()
      .default(60 * MINUTE),
    minRequests: z.number().int().min(1).default(20),
    baselineDays: z.number().int().min(1).max(90).default(7),
    baselineMinRequests: z.number().int().min(1).default(50),
    /** Fires when the recent hit rate is below this share of the baseline's: 0.5 is "halved". */
    dropRatio: z.number().min(0).max(1).default(0.5),
  })
  .strict();

export const alertThresholdsSchema = z
  .object({
    /** A condition that keeps firing is sent again only after this long. */
    cooldownMs: z
      .number()
      .int()
      .min(0)
      .default(30 * MINUTE),
    /** How often the daemon evaluates the rules. */
    evaluateEveryMs: z.number().int().min(1000).default(MINUTE),
    errorRate: errorRate.default(errorRate.parse({})),
    latencyP95: latencyP95.default(latencyP95.parse({})),
    costSpike: costSpike.default(costSpike.parse({})),
    rateLimit: rateLimit.default(rateLimit.parse({})),
    cacheHitDrop: cacheHitDrop.default(cacheHitDrop.parse({})),
  })
  .strict();

export type AlertThresholds = z.infer<typeof alertThresholdsSchema>;

export const defaultAlertThresholds: AlertThresholds = alertThresholdsSchema.parse({}, ONE_SHOT_PARSE);
