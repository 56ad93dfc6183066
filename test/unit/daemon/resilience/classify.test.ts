import { describe, expect, it } from 'vitest';
import { UpstreamError, type UpstreamErrorInit } from '../../../../daemon/providers/types';
import { classifyCode, retryAfterMs, toErrorData } from '../../../../daemon/resilience/classify';

const e = (init: Partial<UpstreamErrorInit>) => new UpstreamError({ provider: 'openai', message: 'boom', ...init });

describe('classifyCode', () => {
  it.each([
    [{ status: 400 }, 'invalid_request'],
    [{ status: 401 }, 'auth'],
    [{ status: 403 }, 'permission'],
    [{ status: 404 }, 'not_found'],
    [{ status: 413 }, 'too_large'],
    [{ status: 422 }, 'invalid_request'],
    [{ status: 429 }, 'rate_limited'],
    [{ status: 429, providerCode: 'insufficient_quota' }, 'quota_exhausted'],
    [{ status: 429, quotaFailure: true }, 'quota_exhausted'],
    [{ status: 400, providerType: 'billing_error' }, 'quota_exhausted'],
    [{ status: 500 }, 'server_error'],
    [{ status: 502 }, 'server_error'],
    [{ status: 503 }, 'server_error'],
    [{ status: 503, providerType: 'UNAVAILABLE' }, 'overloaded'],
    [{ status: 504 }, 'timeout'],
    [{ status: 529 }, 'overloaded'],
    [{ kind: 'connection' as const }, 'network'],
    [{ kind: 'timeout' as const }, 'timeout'],
    [{ kind: 'aborted' as const }, 'cancelled'],
    [{ kind: 'truncated' as const }, 'stream_interrupted'],
    [{ kind: 'stream_error' as const, providerType: 'overloaded_error' }, 'overloaded'],
    [{ status: 400, providerCode: 'context_length_exceeded' }, 'too_large'],
  ])('%o → %s', (init, code) => {
    expect(classifyCode(e(init))).toBe(code);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('prefers retry-after-ms, then retry-after seconds or date, then RetryInfo', () => {
    expect(retryAfterMs(e({ headers: { 'retry-after-ms': '250', 'retry-after': '9' } }), now)).toBe(250);
    expect(retryAfterMs(e({ headers: { 'retry-after': '0.1' } }), now)).toBe(100);
    expect(retryAfterMs(e({ headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:02 GMT' } }), now)).toBe(2000);
    expect(retryAfterMs(e({ headers: { 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' } }), now)).toBe(0);
    expect(retryAfterMs(e({ retryDelayMs: 37_000 }), now)).toBe(37_000);
    expect(retryAfterMs(e({ headers: { 'retry-after': 'abc' } }), now)).toBeUndefined();
  });
});

describe('toErrorData', () => {
  it('keeps status, provider code and request id, and says what to do', () => {
    const d = toErrorData(
      e({
        status: 429,
        providerType: 'insufficient_quota',
        providerCode: 'insufficient_quota',
        requestId: 'req_1',
        headers: { 'retry-after': '3' },
      }),
      'gpt-x',
    );
    expect(d).toMatchObject({
      code: 'quota_exhausted',
      status: 429,
      providerCode: 'insufficient_quota',
      requestId: 'req_1',
      retryAfterMs: 3000,
      model: 'gpt-x',
      provider: 'openai',
    });
    expect(d.message).toMatch(/OpenAI \(HTTP 429/);
    expect(d.message).toMatch(/add credit/);
  });

  it('a rejected key names the provider in its advice, never a placeholder', () => {
    const d = toErrorData(e({ provider: 'gemini', status: 401, message: 'API key not valid' }));
    expect(d.code).toBe('auth');
    expect(d.message).toContain('`conduit key set gemini`');
    expect(d.message).not.toContain('PROVIDER');
  });
});
