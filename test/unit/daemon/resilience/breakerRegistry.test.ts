import { describe, expect, it } from 'vitest';
import { BreakerRegistry, MAX_BREAKERS } from '../../../../daemon/resilience/breakerRegistry';

const settings = { consecutiveFailures: 1, failureRate: 0.5, minRequests: 10, windowMs: 60_000, openMs: 30_000 };

describe('BreakerRegistry', () => {
  it('keeps one breaker per provider and model', () => {
    const registry = new BreakerRegistry(settings, { now: () => 0 });
    expect(registry.get('openai', 'gpt-a')).toBe(registry.get('openai', 'gpt-a'));
    registry.get('openai', 'gpt-a').tryAcquire()?.failure('server_error');
    expect(registry.get('openai', 'gpt-a').state).toBe('open');
    expect(registry.get('openai', 'gpt-b').state).toBe('closed');
    expect(registry.get('anthropic', 'gpt-a').state).toBe('closed');
  });

  it('lists snapshots by key and reports every transition', () => {
    let t = 0;
    const events: string[] = [];
    const registry = new BreakerRegistry(settings, {
      now: () => t,
      onEvent: (event, s) => events.push(`${event} ${s.key}`),
    });
    registry.get('openai', 'gpt-b');
    registry.get('anthropic', 'claude').tryAcquire()?.failure('overloaded');
    t = 30_000;
    registry.get('anthropic', 'claude').tryAcquire()?.success();
    expect(events).toEqual(['break anthropic/claude', 'half-open anthropic/claude', 'reset anthropic/claude']);
    expect(registry.snapshots().map((s) => [s.key, s.state])).toEqual([
      ['anthropic/claude', 'closed'],
      ['openai/gpt-b', 'closed'],
    ]);
  });
});

describe('BreakerRegistry bound', () => {
  it('keeps at most MAX_BREAKERS, however many model names requests bring, and the open ones first', () => {
    const registry = new BreakerRegistry(settings, { now: () => 0 });
    registry.get('openai', 'down').tryAcquire()?.failure('server_error');
    registry.get('openai', 'busy');
    for (let i = 0; i < MAX_BREAKERS * 4; i++) {
      registry.get('openai', `made-up-${i}`);
      if (i % 16 === 0) registry.get('openai', 'busy');
    }
    const keys = registry.snapshots().map((s) => s.key);
    expect(keys).toHaveLength(MAX_BREAKERS);
    // The open one outlived 1,024 newer names; the one in use stayed by being used.
    expect(registry.get('openai', 'down').state).toBe('open');
    expect(keys).toContain('openai/busy');
    expect(keys).toContain(`openai/made-up-${MAX_BREAKERS * 4 - 1}`);
    expect(keys).not.toContain('openai/made-up-0');
  });
});
