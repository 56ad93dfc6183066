import type { ProviderId } from './chat';

/** One bucket of a provider+key's limiter, as `conduit status --json` shows it. */
export interface RateLimitBucketStatus {
  kind: 'requests' | 'input_tokens' | 'output_tokens' | 'tokens';
  /** Per minute: the configured limit, or less when the provider reported less. */
  limit: number;
  /** Available now; negative while an underestimate is paid off. */
  remaining: number;
  /** When the bucket is full again (epoch ms); null when it is full. */
  fullAt: number | null;
}

/** The headroom of one provider and key. */
export interface RateLimitStatus {
  provider: ProviderId;
  /** A short hash of the key, never the key: tells two keys of one provider apart. */
  keyId: string;
  /** The tier the limits come from (`custom` when only overrides apply). */
  tier: string;
  buckets: RateLimitBucketStatus[];
  /** Requests waiting for capacity now. */
  queued: { interactive: number; background: number };
  /** Set after a 429: nothing is sent before this time (epoch ms). */
  pausedUntil: number | null;
}
