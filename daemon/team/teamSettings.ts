import { z } from 'zod';

/**
 * A Redis URL with the scheme team mode speaks. A password in it is accepted (and used), with a
 * warning from config/configReport.ts: it belongs in the keychain, and a URL with one must not
 * make the whole config invalid.
 */
const redisUrl = z
  .string()
  .url()
  .refine((u) => /^rediss?:\/\//.test(u), { message: 'must start with redis:// or rediss:// (TLS)' });

/**
 * Team mode. Off unless `redisUrl` (or CONDUIT_REDIS_URL) is set: then the daemons of `id` share
 * rate limits, the cache, team budgets and usage through that Redis. The local, embedded parts
 * stay in front and take over alone while Redis is down.
 */
export const teamSchema = z
  .object({
    redisUrl: redisUrl.optional(),
    /** Every daemon of a team uses the same id; Redis keys start with `conduit:<id>:`. */
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "." and "-", up to 64')
      .default('default'),
    /** Who this daemon's requests count for in `conduit usage --team`; the OS user name when unset. */
    displayName: z.string().min(1).max(80).optional(),
    /** The team's shared budgets, in USD, reserved atomically in Redis. */
    budgets: z
      .object({
        dailyUsd: z.number().nonnegative().optional(),
        monthlyUsd: z.number().nonnegative().optional(),
      })
      .strict()
      .default({}),
    /**
     * While Redis is down each daemon spends at most this share of the team budget (and of the
     * team's request limits) on its own, so the team as a whole stays under them.
     */
    offlineShare: z.number().positive().max(1).default(0.5),
    /** The team usage stream keeps at most this many rows… */
    usageMaxRows: z.number().int().min(100).default(1_000_000),
    /** …and none older than this many days. */
    usageMaxAgeDays: z.number().int().min(1).max(3650).default(93),
    /** Cache entries kept in the team's cache stream, for daemons that join late. */
    cacheStreamMaxEntries: z.number().int().min(10).default(10_000),
    /** A Redis command that takes longer than this counts as Redis being down. */
    commandTimeoutMs: z.number().int().min(50).max(60_000).default(1000),
  })
  .strict();

export type TeamSettings = z.infer<typeof teamSchema>;

/** The URL in effect: CONDUIT_REDIS_URL wins over the setting, as the other env overrides do. */
export function teamRedisUrl(settings: TeamSettings, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.CONDUIT_REDIS_URL?.trim();
  return fromEnv || settings.redisUrl;
}
