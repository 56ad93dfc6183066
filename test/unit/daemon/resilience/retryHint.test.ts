import { describe, expect, it } from 'vitest';
import { UpstreamError, type UpstreamErrorInit } from '../../../../daemon/providers/types';
import { parseRetryHint } from '../../../../daemon/resilience/retryHint';

const now = Date.parse('2026-01-01T00:00:00Z');
const hint = (init: Partial<UpstreamErrorInit>) =>
  parseRetryHint(new UpstreamError({ provider: 'openai', message: 'x', status: 429, ...init }), now);

describe('parseRetryHint', () => {
  it.each([
    [{ 'retry-after': '0.1' }, 100],
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '120' }, 120_000],
    [{ 'retry-after-ms': '0' }, 0],
    [{ 'retry-after-ms': '250.4' }, 250],
    [{ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, 5000],
  ])('%o → wait %i ms', (headers, ms) => {
    expect(hint({ headers })).toMatchObject({ kind: 'wait', ms });
  });

  it('a date in the past means retry now', () => {
    expect(hint({ headers: { 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' } })).toMatchObject({
      kind: 'wait',
      ms: 0,
    });
  });

  it('reads Gemini RetryInfo', () => {
    expect(hint({ retryDelayMs: 37_000 })).toEqual({ kind: 'wait', ms: 37_000, source: 'RetryInfo', raw: '37000' });
  });

  it('prefers retry-after-ms, then retry-after, then RetryInfo', () => {
    expect(hint({ headers: { 'retry-after-ms': '250', 'retry-after': '9' }, retryDelayMs: 1 })).toMatchObject({
      ms: 250,
      source: 'retry-after-ms',
    });
    expect(hint({ headers: { 'retry-after': '9' }, retryDelayMs: 1 })).toMatchObject({
      ms: 9000,
      source: 'retry-after',
    });
  });

  it.each(['abc', '-5', 'NaN', '', '1e3', 'Infinity'])('retry-after %j is invalid: normal backoff applies', (raw) => {
    expect(hint({ headers: { 'retry-after': raw } })).toEqual({ kind: 'invalid', source: 'retry-after', raw });
  });

  it('an invalid hint does not hide a valid one after it', () => {
    expect(hint({ headers: { 'retry-after-ms': '-1', 'retry-after': '3' } })).toMatchObject({
      kind: 'wait',
      ms: 3000,
      source: 'retry-after',
    });
  });

  it('no hint at all', () => {
    expect(hint({})).toEqual({ kind: 'none' });
  });
});
