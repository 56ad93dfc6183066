import { describe, expect, it } from 'vitest';
import { UpstreamError, type UpstreamErrorInit } from '../../../../daemon/providers/types';
import { retryWait, type RetryWaitInput } from '../../../../daemon/resilience/retryWait';

const now = Date.parse('2026-01-01T00:00:00Z');
const backoff = { baseDelayMs: 1000, maxDelayMs: 30_000 };
const wait = (init: Partial<UpstreamErrorInit>, over: Partial<RetryWaitInput> = {}) =>
  retryWait({
    err: new UpstreamError({ provider: 'openai', message: 'Rate limit reached', status: 429, ...init }),
    retryIndex: 0,
    backoff,
    budgetMs: 60_000,
    spentMs: 0,
    now,
    random: () => 0.5,
    ...over,
  });

describe('retryWait', () => {
  it.each([
    ['retry-after: 0.1', { 'retry-after': '0.1' }, 100],
    ['retry-after: 2', { 'retry-after': '2' }, 2000],
    ['retry-after-ms: 0', { 'retry-after-ms': '0' }, 0],
    ['a past HTTP date', { 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, 0],
  ])('%s is waited exactly, instead of the backoff', (_, headers, ms) => {
    expect(wait({ headers })).toEqual({ kind: 'wait', ms, source: 'hint', hint: expect.any(String) });
  });

  it('a hint is never shortened to the backoff cap', () => {
    expect(wait({ headers: { 'retry-after': '45' } })).toMatchObject({ kind: 'wait', ms: 45_000, source: 'hint' });
  });

  it('Gemini RetryInfo 37s is waited', () => {
    expect(wait({ provider: 'gemini', retryDelayMs: 37_000 })).toMatchObject({
      kind: 'wait',
      ms: 37_000,
      source: 'hint',
      hint: 'RetryInfo',
    });
  });

  it('retry-after: 120 with a 60 s budget fails fast, saying how long it asked for', () => {
    const w = wait({ headers: { 'retry-after': '120' } });
    expect(w).toMatchObject({ kind: 'give_up', reason: 'hint_over_budget', waitMs: 120_000 });
    if (w.kind !== 'give_up') throw new Error('expected give_up');
    expect(w.message).toMatch(/^OpenAI asks to wait 120 s .*more than the 60 s retry budget/);
  });

  it('a hint over what is left of the budget fails fast too, and says what is left', () => {
    const w = wait({ headers: { 'retry-after': '30' } }, { spentMs: 45_000 });
    expect(w).toMatchObject({ kind: 'give_up', reason: 'hint_over_budget', waitMs: 30_000 });
    if (w.kind === 'give_up') expect(w.message).toMatch(/more than the 15 s left of the 60 s retry budget/);
  });

  it('an absurd hint (a year) fails fast instead of parking the request', () => {
    const w = wait({ headers: { 'retry-after': String(365 * 86_400) } });
    expect(w).toMatchObject({ kind: 'give_up', reason: 'hint_over_budget' });
    if (w.kind === 'give_up') expect(w.message).toMatch(/asks to wait 365 days/);
  });

  it.each(['abc', '-5'])('retry-after: %s falls back to the normal backoff', (raw) => {
    expect(wait({ headers: { 'retry-after': raw } })).toEqual({
      kind: 'wait',
      ms: 500,
      source: 'backoff',
      ignoredHint: `retry-after: ${raw}`,
    });
  });

  it('529 without a hint backs off', () => {
    expect(wait({ status: 529, providerType: 'overloaded_error' }, { retryIndex: 2 })).toEqual({
      kind: 'wait',
      ms: 2000,
      source: 'backoff',
    });
  });

  it('the backoff is cut to what is left of the budget, and stops when none is left', () => {
    expect(wait({ status: 503 }, { spentMs: 59_800, random: () => 0.99 })).toMatchObject({ kind: 'wait', ms: 200 });
    expect(wait({ status: 503 }, { spentMs: 60_000 })).toMatchObject({ kind: 'give_up', reason: 'budget_exhausted' });
  });

  it('a wait that would pass the request deadline is not started', () => {
    const w = wait({ headers: { 'retry-after': '5' } }, { deadlineLeftMs: 3000 });
    expect(w).toMatchObject({ kind: 'give_up', reason: 'deadline', waitMs: 5000 });
  });
});
