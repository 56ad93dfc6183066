import type { ProviderId, RateLimitStatus } from '../../protocol';
import { LruMap } from '../platform/lruMap';
import type { Timers } from '../resilience/timers';
import type { LearnedLimits } from './learnedLimits';
import { LimitPressure } from './limitPressure';
import { ProviderLimiter } from './providerLimiter';
import type { RateLimitReport } from './rateLimitHeaders';
import { limitsFor, type RateLimitSettings } from './rateLimitSettings';
import { limitWindowMs } from './tokenBucket';
import { nodeCrypto } from '../platform/nodeCrypto';

export interface RateLimiterDeps {
  /** Read on each lookup, so a new config takes effect for requests that start after it. */
  settings: () => RateLimitSettings;
  now?: () => number;
  timers?: Timers;
  /** The length of the providers' minute; by default 60 s, or CONDUIT_LIMIT_WINDOW_MS (tests). */
  windowMs?: number;
  /** The limits keys' responses stated; they replace the tier preset (settings' overrides still win). */
  learned?: LearnedLimits;
}

/** A short, stable name for a key that reveals nothing of it. */
export function keyIdOf(apiKey: string | undefined): string {
  return apiKey ? nodeCrypto().createHash('sha256').update(apiKey).digest('hex').slice(0, 8) : 'nokey';
}

/**
 * How many keys of one provider have a limiter. A key rotated, or handed over by a window
 * (`keys/provide`), leaves its limiter behind; past this the least recently used one without a
 * queue goes (one with requests waiting is kept while another can go). A key that comes back
 * after that starts with full buckets.
 */
export const MAX_LIMITERS_PER_PROVIDER = 64;

/** A limiter with requests waiting in its queue: never the one dropped while another can go. */
const queueing = (limiter: ProviderLimiter | null): boolean => limiter !== null && limiter.queued > 0;

/**
 * Every limiter of the daemon, one per provider and key, created on first use. The daemon is one
 * process for every VS Code window and the CLI, so these are the limits of all of them together.
 */
export class RateLimiter {
  private readonly limiters = new Map<ProviderId, LruMap<string, ProviderLimiter | null>>();
  private readonly pressure = new LimitPressure();
  private readonly now: () => number;
  private readonly windowMs: number;
  private settings: RateLimitSettings | undefined;

  constructor(private readonly deps: RateLimiterDeps) {
    this.now = deps.now ?? Date.now;
    this.windowMs = deps.windowMs ?? limitWindowMs();
  }

  /** The limiter for this provider and key; undefined when it is not limited. */
  limiterFor(provider: ProviderId, apiKey: string | undefined): ProviderLimiter | undefined {
    const settings = this.deps.settings();
    if (settings !== this.settings) {
      // New settings: new buckets from the next request on; requests already queued finish in the old ones.
      this.settings = settings;
      this.limiters.clear();
    }
    let byKey = this.limiters.get(provider);
    if (!byKey) this.limiters.set(provider, (byKey = new LruMap(MAX_LIMITERS_PER_PROVIDER, { keep: queueing })));
    const id = apiKey ?? '';
    let limiter = byKey.get(id);
    if (limiter === undefined) {
      // Hashed once per limiter, not on every response it settles.
      const keyId = keyIdOf(apiKey);
      const learned = this.deps.learned;
      const limits = this.withLearned(settings, provider, keyId, limitsFor(settings, provider));
      limiter = limits
        ? new ProviderLimiter({
            provider,
            keyId,
            tier: settings.tier,
            limits,
            margin: settings.margin,
            maxQueue: settings.maxQueue,
            now: this.now,
            pressure: this.pressure,
            windowMs: this.windowMs,
            ...(this.deps.timers ? { timers: this.deps.timers } : {}),
            ...(learned
              ? { onObserve: (report: RateLimitReport) => learned.learnReport(provider, keyId, report) }
              : {}),
          })
        : null;
      byKey.set(id, limiter);
    }
    return limiter ?? undefined;
  }

  /** Whether this key's limits have been read from its provider (or set by hand), not guessed. */
  knowsLimits(provider: ProviderId, apiKey: string | undefined): boolean {
    return (
      this.deps.learned?.get(provider, keyIdOf(apiKey)) !== undefined ||
      this.deps.settings().overrides[provider] !== undefined
    );
  }

  /**
   * Records the limits a response's headers state for this key. Buckets in use keep their size
   * (their queue and pauses must hold): the limits apply to buckets built from now on.
   */
  learn(provider: ProviderId, apiKey: string | undefined, headers: Record<string, string>): void {
    this.deps.learned?.learn(provider, keyIdOf(apiKey), headers);
  }

  /** New buckets for this key from its next request, of the limits learned so far. */
  rebuild(provider: ProviderId, apiKey: string | undefined): void {
    this.limiters.get(provider)?.delete(apiKey ?? '');
  }

  private withLearned(
    settings: RateLimitSettings,
    provider: ProviderId,
    keyId: string,
    limits: ReturnType<typeof limitsFor>,
  ): ReturnType<typeof limitsFor> {
    const learned = limits ? this.deps.learned?.get(provider, keyId) : undefined;
    return learned ? { ...limits, ...learned, ...settings.overrides[provider] } : limits;
  }

  /** Headroom of every limiter in use, for `conduit status`. */
  status(): RateLimitStatus[] {
    const out: RateLimitStatus[] = [];
    for (const byKey of this.limiters.values()) {
      for (const limiter of byKey.values()) if (limiter) out.push(limiter.status());
    }
    return out;
  }

  /** The longest a limiter has been queueing without a break, for the sustained-queueing alert. */
  queueingForMs(): number | null {
    const now = this.now();
    let longest: number | null = null;
    for (const byKey of this.limiters.values()) {
      for (const limiter of byKey.values()) {
        const ms = limiter?.queueingForMs(now) ?? null;
        if (ms !== null && (longest === null || ms > longest)) longest = ms;
      }
    }
    return longest;
  }

  /** Attempts in the last `windowMs`, and how many of them waited or got a 429. */
  pressureOver(windowMs: number): { requests: number; limited: number } {
    return this.pressure.over(windowMs, this.now());
  }
}
