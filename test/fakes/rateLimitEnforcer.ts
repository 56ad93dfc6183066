/**
 * Makes the fake behave like a provider that enforces its limits: at most `limit` requests (and
 * tokens) in any sliding window of `windowMs`. A request over either limit gets a 429 with the
 * provider's own rate-limit body and a `retry-after` for when the window has room again. Tests
 * scale time by shrinking the window (60 requests per 6 s stands in for 600 RPM).
 */
export interface WindowLimit {
  limit: number;
  windowMs: number;
}

export interface EnforcedLimits {
  requests?: WindowLimit;
  /** Counted as the tokens the fake reports in its answer (input + output). */
  tokens?: WindowLimit;
}

export type EnforcementVerdict = { ok: true } | { ok: false; which: 'requests' | 'tokens'; retryAfterMs: number };

export class RateLimitEnforcer {
  /** Accepted requests: when they arrived and how many tokens they count. */
  readonly accepted: Array<{ at: number; tokens: number }> = [];
  /** Arrival times of the requests answered 429. */
  readonly rejected: number[] = [];

  constructor(readonly limits: EnforcedLimits) {}

  check(at: number, tokens: number): EnforcementVerdict {
    const { requests, tokens: tpm } = this.limits;
    if (requests) {
      const inWindow = this.accepted.filter((a) => a.at > at - requests.windowMs);
      if (inWindow.length + 1 > requests.limit)
        return this.reject(at, 'requests', inWindow[inWindow.length - requests.limit]!.at + requests.windowMs - at);
    }
    if (tpm) {
      const inWindow = this.accepted.filter((a) => a.at > at - tpm.windowMs);
      let used = inWindow.reduce((n, a) => n + a.tokens, 0);
      if (used + tokens > tpm.limit) {
        // Room returns once enough of the oldest requests have left the window.
        let i = 0;
        while (i < inWindow.length - 1 && used + tokens > tpm.limit) used -= inWindow[i++]!.tokens;
        return this.reject(at, 'tokens', inWindow[Math.max(0, i - 1)]!.at + tpm.windowMs - at);
      }
    }
    this.accepted.push({ at, tokens });
    return { ok: true };
  }

  private reject(at: number, which: 'requests' | 'tokens', waitMs: number): EnforcementVerdict {
    this.rejected.push(at);
    return { ok: false, which, retryAfterMs: Math.max(1, Math.ceil(waitMs)) };
  }
}
