import type { UnpricedSpendStatus } from '../../protocol';
import { dayKey, localUtcOffsetMinutes } from './calendarKey';

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
  private readonly models = new Map<string, string>();
  private readonly seen = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one answered request; true the first time this model is seen by this daemon. */
  add(provider: string, model: string, usd: number, assumedFrom: string): boolean {
    this.roll();
    this.usd += Number.isFinite(usd) && usd > 0 ? usd : 0;
    this.requests++;
    const id = `${provider}/${model}`;
    this.models.set(id, assumedFrom);
    if (this.seen.has(id)) return false;
    this.seen.add(id);
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
