import { describe, expect, it } from 'vitest';
import { UpstreamError, type UpstreamErrorInit } from '../../../../daemon/providers/types';
import { retryVerdict } from '../../../../daemon/resilience/retryDecision';

const e = (init: Partial<UpstreamErrorInit>) => new UpstreamError({ provider: 'anthropic', message: 'x', ...init });
const retries = (init: Partial<UpstreamErrorInit>, committed = false) => retryVerdict(e(init), { committed }).retry;

describe('retryVerdict', () => {
  it.each([
    [{ status: 429 }, true],
    [{ status: 529 }, true],
    [{ status: 500 }, true],
    [{ status: 502 }, true],
    [{ status: 503 }, true],
    [{ status: 504 }, true],
    [{ status: 408 }, true],
    [{ kind: 'timeout' as const }, true],
    [{ kind: 'connection' as const }, true],
    [{ kind: 'truncated' as const }, true],
    [{ kind: 'stream_error' as const, providerType: 'overloaded_error' }, true],
    [{ status: 400 }, false],
    [{ status: 401 }, false],
    [{ status: 403 }, false],
    [{ status: 404 }, false],
    [{ status: 413 }, false],
    [{ status: 422 }, false],
    [{ status: 429, providerCode: 'insufficient_quota' }, false],
    [{ status: 429, quotaFailure: true }, false],
    [{ status: 400, providerCode: 'content_filter' }, false],
    [{ kind: 'aborted' as const }, false],
  ])('%o → retry %s', (init, expected) => {
    expect(retries(init)).toBe(expected);
  });

  it('x-should-retry overrides the status either way', () => {
    expect(retries({ status: 400, headers: { 'x-should-retry': 'true' } })).toBe(true);
    expect(retries({ status: 503, headers: { 'x-should-retry': 'false' } })).toBe(false);
    expect(retries({ status: 429, headers: { 'x-should-retry': ' TRUE ' } })).toBe(true);
    expect(retries({ status: 503, headers: { 'x-should-retry': 'maybe' } })).toBe(true);
  });

  it('x-should-retry never revives a cancelled call', () => {
    expect(retries({ kind: 'aborted', headers: { 'x-should-retry': 'true' } })).toBe(false);
  });

  it('nothing is retried once part of the answer reached the client', () => {
    expect(retries({ kind: 'truncated' }, true)).toBe(false);
    expect(retries({ status: 503, headers: { 'x-should-retry': 'true' } }, true)).toBe(false);
  });
});
