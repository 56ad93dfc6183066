/** The buckets a provider reports on; which ones a limiter keeps depends on the provider. */
export type BucketKind = 'requests' | 'input_tokens' | 'output_tokens' | 'tokens';

export interface BucketReport {
  limit?: number;
  remaining?: number;
  /** Epoch ms. */
  resetAt?: number;
}

export type RateLimitReport = Partial<Record<BucketKind, BucketReport>>;

interface HeaderNames {
  kind: BucketKind;
  limit: string;
  remaining: string;
  reset: string;
}

// Built once: this runs on every response, and building names per call cost more than the rest.
const ANTHROPIC: HeaderNames[] = (['requests', 'input-tokens', 'output-tokens', 'tokens'] as const).map((name) => ({
  kind: name === 'input-tokens' ? 'input_tokens' : name === 'output-tokens' ? 'output_tokens' : name,
  limit: `anthropic-ratelimit-${name}-limit`,
  remaining: `anthropic-ratelimit-${name}-remaining`,
  reset: `anthropic-ratelimit-${name}-reset`,
}));
const OPENAI: HeaderNames[] = (['requests', 'tokens'] as const).map((name) => ({
  kind: name,
  limit: `x-ratelimit-limit-${name}`,
  remaining: `x-ratelimit-remaining-${name}`,
  reset: `x-ratelimit-reset-${name}`,
}));

/**
 * Reads the rate-limit headers of any response, success or error (lower-cased names):
 * - Anthropic: `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`,
 *   the reset an RFC 3339 time;
 * - OpenAI: `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, the reset a duration such as
 *   `6m0s`, `1s` or `20ms`.
 * Gemini sends none. A value that does not parse is left out, never guessed.
 */
export function parseRateLimitHeaders(headers: Record<string, string>, now: number): RateLimitReport {
  const report: RateLimitReport = {};
  for (const n of ANTHROPIC) {
    const r = bucket(headers[n.limit], headers[n.remaining], rfc3339(headers[n.reset]));
    if (r) report[n.kind] = r;
  }
  for (const n of OPENAI) {
    const reset = headers[n.reset];
    const ms = reset === undefined ? undefined : parseDurationMs(reset);
    const r = bucket(headers[n.limit], headers[n.remaining], ms === undefined ? undefined : now + ms);
    if (r) report[n.kind] = r;
  }
  return report;
}

function bucket(
  limit: string | undefined,
  remaining: string | undefined,
  resetAt: number | undefined,
): BucketReport | undefined {
  const l = count(limit);
  const r = count(remaining);
  if (l === undefined && r === undefined && resetAt === undefined) return undefined;
  const out: BucketReport = {};
  if (l !== undefined) out.limit = l;
  if (r !== undefined) out.remaining = r;
  if (resetAt !== undefined) out.resetAt = resetAt;
  return out;
}

const DIGITS = /^\s*\d+\s*$/;

function count(raw: string | undefined): number | undefined {
  return raw === undefined || !DIGITS.test(raw) ? undefined : Number(raw);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T/;
// Responses close together carry the same reset times: remember the last few parsed.
const parsedTimes = new Map<string, number>();

function rfc3339(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const known = parsedTimes.get(raw);
  if (known !== undefined) return known;
  if (!RFC3339.test(raw.trim())) return undefined;
  const at = Date.parse(raw.trim());
  if (Number.isNaN(at)) return undefined;
  if (parsedTimes.size >= 16) parsedTimes.clear();
  parsedTimes.set(raw, at);
  return at;
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|ns))+$/;
const PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;

/** A Go-style duration as OpenAI sends it (`6m0s`, `1s`, `20ms`, `1h2m3.5s`), or bare seconds. */
export function parseDurationMs(raw: string): number | undefined {
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!DURATION.test(text)) return undefined;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(PART)) ms += Number(n) * UNIT_MS[unit!]!;
  return Math.round(ms);
}
