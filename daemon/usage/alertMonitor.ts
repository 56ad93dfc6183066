import type { AlertEvent, AlertsListResult } from '../../protocol/usage';
import { AlertManager } from './alertManager';
import { evaluateAlerts } from './alertRules';
import { buildAlertSnapshot } from './alertSnapshot';
import type { AlertThresholds } from './alertThresholds';
import type { UsageLedger } from './usageLedger';

export interface AlertMonitorDeps {
  ledger: UsageLedger;
  /** Read at each evaluation, so a config reload takes effect without a restart. */
  thresholds: () => AlertThresholds;
  /** Fired, repeated and cleared alerts: the daemon broadcasts `alerts/raised` and logs them. */
  onEvent: (event: AlertEvent) => void;
  /** The rate limiter's sustained-queueing figure, once that issue lands. */
  queueingForMs?: () => number | null;
  /** The rate limiter's attempts over a window, and how many waited or got a 429. */
  limitPressure?: (windowMs: number) => { requests: number; limited: number };
  now?: () => number;
}

/** Evaluates the rules on a timer and keeps the alert history for `alerts/list`. */
export class AlertMonitor {
  private readonly manager = new AlertManager();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<AlertEvent[]> | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: AlertMonitorDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      void this.evaluate();
      this.timer = setTimeout(tick, this.deps.thresholds().evaluateEveryMs);
      // Alerts must not keep an idle daemon alive.
      this.timer.unref();
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One evaluation; overlapping calls share the one in progress. Never throws. */
  evaluate(): Promise<AlertEvent[]> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  list(): AlertsListResult {
    return { ...this.manager.list(), ledger: this.deps.ledger.status() };
  }

  private async run(): Promise<AlertEvent[]> {
    try {
      const thresholds = this.deps.thresholds();
      const now = this.now();
      const snapshot = await buildAlertSnapshot(
        {
          ledger: this.deps.ledger,
          ...(this.deps.queueingForMs ? { queueingForMs: this.deps.queueingForMs } : {}),
          ...(this.deps.limitPressure ? { limitPressure: this.deps.limitPressure } : {}),
        },
        thresholds,
        now,
      );
      const events = this.manager.update(evaluateAlerts(snapshot, thresholds, now), now, thresholds.cooldownMs);
      for (const e of events) {
        try {
          this.deps.onEvent(e);
        } catch {
          /* a listener's failure must not stop the others */
        }
      }
      return events;
    } catch {
      return [];
    }
  }
}
