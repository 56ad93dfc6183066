import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../../daemon/ratelimit/tokenBucket';

const T0 = 1_000_000;

describe('TokenBucket', () => {
  it('starts full at its burst and refills at limit per minute', () => {
    const b = new TokenBucket(60, 10, 0, T0);
    expect(b.available(T0)).toBe(10);
    b.take(10, T0);
    expect(b.fits(1, T0)).toBe(false);
    expect(b.available(T0 + 500)).toBeCloseTo(0.5);
    expect(b.available(T0 + 1000)).toBeCloseTo(1);
    // Never above the burst, however long it rests.
    expect(b.available(T0 + 3_600_000)).toBe(10);
  });

  it('burst is capped at the limit, and the margin slows the refill', () => {
    expect(new TokenBucket(5, 50, 0, T0).maxRequest).toBe(5);
    const b = new TokenBucket(600, 1, 0.5, T0);
    b.take(1, T0);
    expect(b.available(T0 + 100)).toBeCloseTo(0.5);
  });

  it('says how long until units are available, and Infinity beyond the capacity', () => {
    const b = new TokenBucket(60, 2, 0, T0);
    b.take(2, T0);
    expect(b.msUntil(1, T0)).toBeCloseTo(1000);
    expect(b.msUntil(2, T0 + 500)).toBeCloseTo(1500);
    expect(b.msUntil(3, T0)).toBe(Infinity);
    expect(b.msToAccumulate(5, T0 + 500)).toBeCloseTo(4500);
  });

  it('refunds the unused part of an estimate, never above the capacity', () => {
    const b = new TokenBucket(1000, 1000, 0, T0);
    b.take(800, T0);
    b.refund(700, T0);
    expect(b.available(T0)).toBe(900);
    b.refund(500, T0);
    expect(b.available(T0)).toBe(1000);
  });

  it('goes into debt when a request used more than estimated, and pays it off by waiting', () => {
    const b = new TokenBucket(60, 1, 0, T0);
    b.take(1, T0);
    b.take(2, T0);
    expect(b.available(T0)).toBe(-2);
    expect(b.msUntil(1, T0)).toBeCloseTo(3000);
  });

  it('tightens to what the provider reports, and never loosens above the configured limit', () => {
    const b = new TokenBucket(100, 100, 0, T0);
    b.observe({ limit: 1000, remaining: 900 }, T0);
    expect(b.snapshot(T0)).toMatchObject({ limit: 100, remaining: 100 });
    b.observe({ remaining: 10 }, T0);
    expect(b.available(T0)).toBe(10);
    b.observe({ limit: 50 }, T0);
    expect(b.snapshot(T0).limit).toBe(50);
    expect(b.maxRequest).toBe(50);
  });

  it('an empty report does not stop the refill: the next unit comes one interval later, and the bucket is full at the reset', () => {
    const b = new TokenBucket(60, 60, 0, T0);
    // Empty, full again in a minute: the provider's continuous bucket, as Anthropic and OpenAI document it.
    b.observe({ limit: 60, remaining: 0, resetAt: T0 + 60_000 }, T0);
    expect(b.available(T0)).toBe(0);
    expect(b.msUntil(1, T0)).toBeCloseTo(1000);
    expect(b.available(T0 + 30_000)).toBeCloseTo(30);
    expect(b.available(T0 + 60_000)).toBeCloseTo(60);
  });

  it('recovers the fraction of a unit the reset time implies, never a whole unit more than remaining', () => {
    const b = new TokenBucket(60, 60, 0, T0);
    // 0 left, but full in 59.5 s: the provider already holds half of the next unit.
    b.observe({ limit: 60, remaining: 0, resetAt: T0 + 59_500 }, T0);
    expect(b.available(T0)).toBeCloseTo(0.5);
    expect(b.msUntil(1, T0)).toBeCloseTo(500);
    // A reset that says "full almost at once" cannot lift the level by a whole unit.
    const c = new TokenBucket(60, 60, 0, T0);
    c.observe({ limit: 60, remaining: 2, resetAt: T0 + 10 }, T0);
    expect(c.available(T0)).toBeLessThan(3);
    expect(c.snapshot(T0).remaining).toBe(2);
  });

  it('reports when it will be full again', () => {
    const b = new TokenBucket(60, 10, 0, T0);
    expect(b.snapshot(T0).fullAt).toBeNull();
    b.take(4, T0);
    expect(b.snapshot(T0)).toEqual({ limit: 60, remaining: 6, fullAt: T0 + 4000 });
  });
});
