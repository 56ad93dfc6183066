import type { ProviderId } from '../../protocol';
import { LruMap } from '../platform/lruMap';
import { CircuitBreaker, type BreakerOptions, type BreakerSettings, type BreakerSnapshot } from './circuitBreaker';

export type BreakerEvent = 'break' | 'half-open' | 'reset';

export interface BreakerRegistryOptions extends BreakerOptions {
  /** Every transition of every breaker, for the log and for status notifications. */
  onEvent?: (event: BreakerEvent, snapshot: BreakerSnapshot) => void;
}

/**
 * How many breakers are kept. The model comes from the request, so any name a client sends (or a
 * typo) makes a breaker; a daemon uses a few dozen at most, and past this the least recently used
 * closed one goes (an open or half-open one is kept while any closed one remains: forgetting it
 * would send requests to a target known to be down).
 */
export const MAX_BREAKERS = 256;

/**
 * One circuit per provider and model: one model being down says little about its siblings. The
 * settings are read through a function, so a config reload reaches existing breakers.
 */
export class BreakerRegistry {
  readonly #breakers = new LruMap<string, CircuitBreaker>(MAX_BREAKERS, { keep: (b) => b.state !== 'closed' });
  readonly #settings: () => BreakerSettings;

  constructor(
    settings: BreakerSettings | (() => BreakerSettings),
    private readonly options: BreakerRegistryOptions = {},
  ) {
    this.#settings = typeof settings === 'function' ? settings : () => settings;
  }

  static key(provider: ProviderId, model: string): string {
    return `${provider}/${model}`;
  }

  get(provider: ProviderId, model: string): CircuitBreaker {
    const key = BreakerRegistry.key(provider, model);
    let breaker = this.#breakers.get(key);
    if (!breaker) {
      breaker = new CircuitBreaker(key, this.#settings, this.options);
      const onEvent = this.options.onEvent;
      if (onEvent) {
        breaker.onBreak((s) => onEvent('break', s));
        breaker.onHalfOpen((s) => onEvent('half-open', s));
        breaker.onReset((s) => onEvent('reset', s));
      }
      this.#breakers.set(key, breaker);
    }
    return breaker;
  }

  /** Every breaker seen so far, sorted by key; JSON-ready. */
  snapshots(): BreakerSnapshot[] {
    return [...this.#breakers.values()].map((b) => b.snapshot()).sort((a, b) => a.key.localeCompare(b.key));
  }
}
