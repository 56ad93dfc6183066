import { AlertsRaisedNotification, type Alert, type AlertEvent } from '../../protocol';
import type { ConduitConfig } from '../config/config';
import type { LogFn } from '../log/logFn';
import type { LogLevel } from '../log/logger';
import { modelsInUse } from '../gateway/routeStep';
import { configuredDeprecations } from '../router/deprecations';
import { BudgetAlerts } from '../usage/budgetAlerts';
import type { BudgetTable } from '../usage/budgetTable';
import { deprecationAlert, keyRejectedAlert, type KeyRejection } from '../usage/eventAlerts';
import type { ClientBroadcast } from './clientBroadcast';

export interface DaemonAlertsDeps {
  broadcast: ClientBroadcast;
  log: LogFn;
  config: () => ConduitConfig;
  budgets: BudgetTable;
  startedAt: number;
  now?: () => number;
}

/** The level an alert event is logged at: a clearing is news, a critical alert an error. */
export function alertLogLevel(e: AlertEvent): LogLevel {
  if (e.type === 'cleared') return 'info';
  return e.alert.severity === 'critical' ? 'error' : 'warn';
}

/**
 * The alerts raised outside the usage monitor (budgets, deprecated models, rejected keys, team
 * mode), and the one way every alert event reaches the clients and the log.
 */
export class DaemonAlerts {
  private readonly budgetAlerts = new BudgetAlerts();
  private readonly announced = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly deps: DaemonAlertsDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Every client hears of the event, and the log keeps it. */
  send(e: AlertEvent, fields: Record<string, unknown> = { value: e.alert.value, threshold: e.alert.threshold }): void {
    this.deps.broadcast.send(AlertsRaisedNotification.type, e);
    this.deps.log(alertLogLevel(e), `alert ${e.type}: ${e.alert.message}`, { alert: e.alert.id, ...fields });
  }

  /** Budget warnings at 50, 80 and 100 % (by default), once per budget, threshold and period. */
  checkBudgets(): void {
    for (const e of this.budgetAlerts.check(this.deps.budgets.statuses(), this.deps.config().budgets.warnAt))
      this.send(e);
  }

  /** A configured model past or near its end of life, as an alert. */
  deprecations(): Alert[] {
    return configuredDeprecations(modelsInUse(this.deps.config())).map((d) => deprecationAlert(d, this.deps.startedAt));
  }

  /** Sends each deprecation alert once per model while the daemon runs. */
  announceDeprecations(): void {
    for (const alert of this.deprecations()) {
      if (this.announced.has(alert.id)) continue;
      this.announced.add(alert.id);
      this.send({ type: 'fired', alert });
    }
  }

  /** A 401 on a key: every client hears of it, once per key, as an alert. */
  keyRejected(e: KeyRejection): void {
    const alert = keyRejectedAlert(e, this.now());
    this.send({ type: 'fired', alert }, { provider: e.provider, profile: e.profile, keyId: e.keyId });
  }

  /** Budget and deprecation alerts that are active now. */
  active(): Alert[] {
    return [...this.budgetAlerts.list(), ...this.deprecations()];
  }
}
