import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../daemon/config/config';
import { restartNeeded } from '../../../../daemon/config/restartSettings';

const base = configSchema.parse({});
const withOver = (over: unknown) => configSchema.parse(over);

describe('restartNeeded', () => {
  it('is empty for settings that apply with the next request, the log level included', () => {
    expect(
      restartNeeded(
        base,
        withOver({
          logLevel: 'debug',
          provider: 'openai',
          budgets: { dailyUsd: 1 },
          cache: { ttlMs: 1000, semantic: { threshold: 0.9 } },
          resilience: { timeouts: { connectMs: 5 } },
        }),
      ),
    ).toEqual([]);
  });

  it('names what the daemon built at start: the embedder, the cache bounds, the message limit', () => {
    expect(
      restartNeeded(
        base,
        withOver({ maxMessageBytes: 1024 * 1024, cache: { maxEntries: 10, semantic: { embedder: 'local' } } }),
      ),
    ).toEqual(['maxMessageBytes', 'cache.maxEntries', 'cache.semantic.embedder']);
  });

  it('turning the semantic cache on needs a restart when it started off; turning it off does not', () => {
    const off = withOver({ cache: { semantic: { enabled: false } } });
    expect(restartNeeded(off, base)).toEqual(['cache.semantic.enabled']);
    expect(restartNeeded(base, off)).toEqual([]);
  });

  it('going back to what the daemon started with needs nothing', () => {
    const started = withOver({ cache: { semantic: { embedder: 'local' } } });
    expect(restartNeeded(started, withOver({ cache: { semantic: { embedder: 'local' } } }))).toEqual([]);
  });

  it('the ledger acknowledgement and turning embedding batching on or off wait for a restart; the batch window does not', () => {
    expect(
      restartNeeded(
        base,
        withOver({ ledgerAck: 'written', cache: { semantic: { batch: { enabled: false, windowMs: 5 } } } }),
      ),
    ).toEqual(['ledgerAck', 'cache.semantic.batch.enabled']);
    expect(restartNeeded(base, withOver({ cache: { semantic: { batch: { windowMs: 5 } } } }))).toEqual([]);
  });
});
