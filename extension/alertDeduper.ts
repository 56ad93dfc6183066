import type { AlertEvent } from '../protocol';

/**
 * Decides which `alerts/raised` events become a notification. Several daemons' worth of events
 * (a restart) and the daemon's own repeats must not stack toasts: an alert is shown once per
 * episode, again only after `repeatAfterMs`, and not at all once cleared. Pure.
 */
export class AlertDeduper {
  private readonly shownAt = new Map<string, number>();

  constructor(
    private readonly repeatAfterMs = 30 * 60_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  shouldShow(event: AlertEvent): boolean {
    const id = event.alert.id;
    if (event.type === 'cleared') {
      this.shownAt.delete(id);
      return false;
    }
    const last = this.shownAt.get(id);
    const t = this.now();
    if (last !== undefined && t - last < this.repeatAfterMs) return false;
    this.shownAt.set(id, t);
    return true;
  }
}
