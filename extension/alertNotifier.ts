import type { DaemonClient } from '../daemon/client/daemonClient';
import { AlertsRaisedNotification, type AlertEvent } from '../protocol';
import { AlertDeduper } from './alertDeduper';
import type { FailureNotifier } from './failureNotifier';

/**
 * `alerts/raised` from the daemon as notifications, deduplicated, through the failure notifier
 * (so that an alert and a failed request about the same cause make one notification).
 */
export class AlertNotifier {
  private readonly deduper = new AlertDeduper();

  constructor(
    private readonly onAlert: (event: AlertEvent) => void,
    private readonly notices: FailureNotifier,
  ) {}

  attach(client: DaemonClient): void {
    client.connection.onNotification(AlertsRaisedNotification.type, (event) => this.received(event));
  }

  private received(event: AlertEvent): void {
    this.onAlert(event);
    if (!this.deduper.shouldShow(event)) return;
    this.notices.alert(event.alert);
  }
}
