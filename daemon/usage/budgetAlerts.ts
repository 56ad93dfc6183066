import type { Alert, AlertEvent, BudgetStatus } from '../../protocol';
import { formatUsd } from './pricing';

/**
 * Budget warnings as alerts: when a budget's settled spend crosses one of the thresholds (50 %,
 * 80 %, 100 % by default), one alert, once per budget, threshold and period. The active ones
 * (this period's highest crossing per budget) are kept for `conduit status`.
 */
export class BudgetAlerts {
  /** What was sent, with the time its period resets: past that it is never asked again, and goes. */
  private readonly sent = new Map<string, number>();
  private readonly active = new Map<string, { alert: Alert; resetsAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  check(statuses: readonly BudgetStatus[], warnAt: readonly number[]): AlertEvent[] {
    const events: AlertEvent[] = [];
    const at = this.now();
    const thresholds = [...warnAt].sort((a, b) => a - b);
    for (const [dedupe, resetsAt] of this.sent) if (resetsAt <= at) this.sent.delete(dedupe);
    for (const s of statuses) {
      const share = s.limitUsd > 0 ? s.spentUsd / s.limitUsd : s.spentUsd > 0 ? 1 : 0;
      const crossed = thresholds.filter((t) => share >= t - 1e-9).pop();
      if (crossed === undefined) continue;
      const id = `budget:${s.scope}:${s.period}`;
      // The period's reset time is part of the key: a new day or month warns afresh.
      const dedupe = `${id}:${s.resetsAt}:${crossed}`;
      if (this.sent.has(dedupe)) continue;
      this.sent.set(dedupe, s.resetsAt);
      const previous = this.active.get(id);
      const scope = s.scope === 'global' ? 'The' : `Feature ${s.scope.slice('feature:'.length)}'s`;
      const message =
        `${scope} ${s.period === 'day' ? 'daily' : 'monthly'} budget is ${Math.round(share * 100)} % spent: ${formatUsd(s.spentUsd)} of ${formatUsd(s.limitUsd)}; it resets ${new Date(s.resetsAt).toISOString()}.` +
        (crossed >= 1 ? ' Requests that could exceed it are refused (or downgraded, with onExceed "downgrade").' : '');
      const alert: Alert = {
        id,
        kind: 'budget',
        severity: crossed >= 1 ? 'critical' : 'warning',
        message,
        value: share,
        threshold: crossed,
        firedAt: previous?.resetsAt === s.resetsAt ? previous.alert.firedAt : at,
        lastSentAt: at,
        clearedAt: null,
      };
      events.push({ type: previous?.resetsAt === s.resetsAt ? 'repeated' : 'fired', alert: { ...alert } });
      this.active.set(id, { alert, resetsAt: s.resetsAt });
    }
    return events;
  }

  /** This period's budget alerts, for `conduit status`. */
  list(): Alert[] {
    const at = this.now();
    return [...this.active.values()].filter((a) => a.resetsAt > at).map((a) => ({ ...a.alert }));
  }
}
