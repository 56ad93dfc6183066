import type { RateLimiter } from '../ratelimit/rateLimiter';
import { AlertMonitor } from '../usage/alertMonitor';
import type { UsageLedger } from '../usage/usageLedger';
import type { DaemonAlerts } from './daemonAlerts';
import type { LiveConfig } from './liveConfig';

/** The usage alerts (error rate, latency, spend, limit pressure), evaluated from the ledger. */
export function createAlertMonitor(deps: {
  ledger: UsageLedger;
  config: LiveConfig;
  rateLimiter: RateLimiter;
  alerts: DaemonAlerts;
}): AlertMonitor {
  const { rateLimiter } = deps;
  return new AlertMonitor({
    ledger: deps.ledger,
    thresholds: () => deps.config.get().alerts,
    queueingForMs: () => rateLimiter.queueingForMs(),
    limitPressure: (windowMs) => rateLimiter.pressureOver(windowMs),
    onEvent: (e) => deps.alerts.send(e),
  });
}
