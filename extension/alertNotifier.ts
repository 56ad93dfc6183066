import * as vscode from 'vscode';
import type { DaemonClient } from '../daemon/client/daemonClient';
import { AlertsRaisedNotification, type AlertEvent } from '../protocol';
import { AlertDeduper } from './alertDeduper';

/** `alerts/raised` from the daemon as notifications, deduplicated, with "Open Panel". */
export class AlertNotifier {
  private readonly deduper = new AlertDeduper();

  constructor(private readonly onAlert: (event: AlertEvent) => void) {}

  attach(client: DaemonClient): void {
    client.connection.onNotification(AlertsRaisedNotification.type, (event) => this.received(event));
  }

  private received(event: AlertEvent): void {
    this.onAlert(event);
    if (!this.deduper.shouldShow(event)) return;
    const show =
      event.alert.severity === 'critical' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    void show(`Conduit: ${event.alert.message}`, 'Open Panel', 'Show Logs').then((choice) => {
      if (choice === 'Open Panel') void vscode.commands.executeCommand('conduit.showUsage');
      if (choice === 'Show Logs') void vscode.commands.executeCommand('conduit.showDaemonLog');
    });
  }
}
