import { describe, expect, it } from 'vitest';
import { anthropicErrorBody } from '../../../../daemon/http/anthropic/anthropicError';
import { failureOf } from '../../../../daemon/http/errorStatus';
import { openaiErrorBody } from '../../../../daemon/http/openai/openaiError';

describe('errors per API', () => {
  it('a limiter refusal is a 429 with retry-after in whole seconds', () => {
    const f = failureOf({ code: 'queue_full', message: 'full', retryAfterMs: 1200 });
    expect(f).toEqual({ status: 429, code: 'queue_full', message: 'full', retryAfterS: 2 });
    expect(anthropicErrorBody(f, 'r1')).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'full' },
      request_id: 'r1',
    });
    expect(openaiErrorBody(f).error).toMatchObject({ type: 'rate_limit_exceeded', code: 'queue_full' });
  });

  it('a budget refusal is a 429 that says not to retry before the period turns', () => {
    const f = failureOf({ code: 'budget_exceeded', message: 'spent' }, () => 3600);
    expect(f).toMatchObject({ status: 429, retryAfterS: 3600, noRetry: true });
    expect(openaiErrorBody(f).error.type).toBe('insufficient_quota');
  });

  it('maps upstream trouble to 5xx with the type each SDK reads', () => {
    expect(anthropicErrorBody(failureOf({ code: 'overloaded', message: 'o' }), 'r').error.type).toBe(
      'overloaded_error',
    );
    expect(anthropicErrorBody(failureOf({ code: 'timeout', message: 't' }), 'r').error.type).toBe('timeout_error');
    expect(failureOf({ code: 'auth', message: 'k' }).status).toBe(502);
    expect(failureOf({ code: 'guard_blocked', message: 'g' })).toMatchObject({ status: 400, noRetry: true });
  });
});
