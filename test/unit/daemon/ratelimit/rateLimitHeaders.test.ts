import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseRateLimitHeaders } from '../../../../daemon/ratelimit/rateLimitHeaders';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('rate-limit headers', () => {
  it("reads Anthropic's four buckets with RFC 3339 resets", () => {
    const report = parseRateLimitHeaders(
      {
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '7',
        'anthropic-ratelimit-requests-reset': '2026-03-01T12:00:03Z',
        'anthropic-ratelimit-input-tokens-limit': '30000',
        'anthropic-ratelimit-input-tokens-remaining': '1200',
        'anthropic-ratelimit-input-tokens-reset': '2026-03-01T12:00:40Z',
        'anthropic-ratelimit-output-tokens-limit': '8000',
        'anthropic-ratelimit-output-tokens-remaining': '0',
        'anthropic-ratelimit-output-tokens-reset': '2026-03-01T12:01:00Z',
        'anthropic-ratelimit-tokens-limit': '38000',
      },
      NOW,
    );
    expect(report).toEqual({
      requests: { limit: 50, remaining: 7, resetAt: NOW + 3000 },
      input_tokens: { limit: 30000, remaining: 1200, resetAt: NOW + 40_000 },
      output_tokens: { limit: 8000, remaining: 0, resetAt: NOW + 60_000 },
      tokens: { limit: 38000 },
    });
  });

  it("reads OpenAI's buckets with duration resets", () => {
    const report = parseRateLimitHeaders(
      {
        'x-ratelimit-limit-requests': '500',
        'x-ratelimit-remaining-requests': '499',
        'x-ratelimit-reset-requests': '120ms',
        'x-ratelimit-limit-tokens': '500000',
        'x-ratelimit-remaining-tokens': '10',
        'x-ratelimit-reset-tokens': '6m0s',
      },
      NOW,
    );
    expect(report).toEqual({
      requests: { limit: 500, remaining: 499, resetAt: NOW + 120 },
      tokens: { limit: 500000, remaining: 10, resetAt: NOW + 360_000 },
    });
  });

  it('leaves out what does not parse, and finds nothing in a Gemini response', () => {
    expect(
      parseRateLimitHeaders(
        { 'x-ratelimit-remaining-requests': 'lots', 'anthropic-ratelimit-requests-reset': 'soon' },
        NOW,
      ),
    ).toEqual({});
    expect(parseRateLimitHeaders({ 'content-type': 'application/json' }, NOW)).toEqual({});
  });

  it.each([
    ['6m0s', 360_000],
    ['1s', 1000],
    ['20ms', 20],
    ['1h2m3.5s', 3_723_500],
    ['17.406s', 17_406],
    ['0s', 0],
    ['2', 2000],
    ['1m30s', 90_000],
  ])('duration %s is %d ms', (raw, ms) => {
    expect(parseDurationMs(raw)).toBe(ms);
  });

  it.each(['', 'abc', '5x', '-1s', 's'])('duration %j is not a duration', (raw) => {
    expect(parseDurationMs(raw)).toBeUndefined();
  });
});
