import type { Alert, AlertEvent, AlertsListResult } from '../../protocol/usage';
import type { FiringAlert } from './alertRules';

/**
 * Alert state over time. The same condition is one alert while it lasts: it is sent when it
 * starts, again only after the cooldown if it is still firing, and once more when it clears.
 * A cleared alert starts afresh when its condition returns.
 */
export class AlertManager {
  private readonly active = new Map<string, Alert>();
  private recent: Alert[] = [];

  constructor(private readonly recentLimit = 50) {}

  update(firing: readonly FiringAlert[], now: number, cooldownMs: number): AlertEvent[] {
    const events: AlertEvent[] = [];
    const seen = new Set<string>();
    for (const f of firing) {
      seen.add(f.id);
      const current = this.active.get(f.id);
      if (!current) {
        const alert: Alert = { ...f, firedAt: now, lastSentAt: now, clearedAt: null };
        this.active.set(f.id, alert);
        events.push({ type: 'fired', alert: { ...alert } });
        continue;
      }
      // Keep the figures fresh for alerts/list even while the cooldown keeps clients quiet.
      Object.assign(current, { severity: f.severity, message: f.message, value: f.value, threshold: f.threshold });
      if (now - current.lastSentAt >= cooldownMs) {
        current.lastSentAt = now;
        events.push({ type: 'repeated', alert: { ...current } });
      }
    }
    for (const [id, alert] of this.active) {
      if (seen.has(id)) continue;
      this.active.delete(id);
      alert.clearedAt = now;
      this.recent.unshift(alert);
      events.push({ type: 'cleared', alert: { ...alert } });
    }
    if (this.recent.length > this.recentLimit) this.recent.length = this.recentLimit;
    return events;
  }

  list(): Omit<AlertsListResult, 'ledger'> {
    return { active: [...this.active.values()].map((a) => ({ ...a })), recent: this.recent.map((a) => ({ ...a })) };
  }
}
