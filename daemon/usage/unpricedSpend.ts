import type { UnpricedSpendStatus } from '../../protocol';
import { LruMap } from '../platform/lruMap';
import { dayKey, localUtcOffsetMinutes } from './calendarKey';

/**
 * How many unpriced models today's figure names, and how many are remembered as seen. The model
 * is the request's own string, so a client could name a new one each time; past the bound the
 * least recently used is dropped (its spend stays in the day's total; a model dropped from `seen`
 * may raise its alert once more).
 */
export const MAX_UNPRICED_MODELS = 256;

/**
 * What models without a known price cost today, at the prices assumed for them (their
 * provider's dearest), kept apart so `status` can show it beside the budgets: that figure is a
 * stated upper bound, not the provider's bill. Also says which model is seen for the first time,
 * so the daemon raises one alert per unpriced model.
 */
export class UnpricedSpend {
  private day = '';
  private usd = 0;
  private requests = 0;
  private readonly models = new LruMap<string, string>(MAX_UNPRICED_MODELS);
  private readonly seen = new LruMap<string, true>(MAX_UNPRICED_MODELS);

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one answered request; true the first time this model is seen by this daemon. */
  add(provider: string, model: string, usd: number, assumedFrom: string): boolean {
    this.roll();
    this.usd += Number.isFinite(usd) && usd > 0 ? usd : 0;
    this.requests++;
    const id = `${provider}/${model}`;
    this.models.set(id, assumedFrom);
    if (this.seen.get(id)) return false;
    this.seen.set(id, true);
    return true;
  }

  status(): UnpricedSpendStatus | undefined {
    this.roll();
    if (this.requests === 0) return undefined;
    return {
      day: this.day,
      usd: this.usd,
      requests: this.requests,
      models: [...this.models].map(([model, assumedFrom]) => ({ model, assumedFrom })),
    };
  }

  private roll(): void {
    const at = this.now();
    const day = dayKey(at, localUtcOffsetMinutes(at));
    if (day === this.day) return;
    this.day = day;
    this.usd = 0;
    this.requests = 0;
    this.models.clear();
  }
}
