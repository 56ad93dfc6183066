import * as vscode from 'vscode';
import type { Alert } from '../protocol';
import type { FailureAction } from '../protocol/answerView';
import type { ClassifiedFailure, FailureKind } from './failureView';
import { NoticeGate } from './noticeGate';

/** A notification the extension showed: for tests, through the extension's exports. */
export interface ShownNotice {
  severity: 'warning' | 'error';
  message: string;
  actions: string[];
}

/** What the status bar needs to hear of request outcomes. */
export interface FailureSink {
  reportFailure(failure: { kind: Exclude<FailureKind, 'request'>; message: string }): void;
  reportSuccess(): void;
}

const LABELS: Record<FailureAction, string> = {
  retry: 'Retry',
  switchProvider: 'Switch Provider',
  setApiKey: 'Set API Key',
  showLogs: 'Show Logs',
  showUsage: 'Show Usage',
};

/** Runs a failure's action: the commands the extension already has, or the caller's retry. */
export function runFailureAction(action: FailureAction, provider: string | undefined, retry?: () => void): void {
  switch (action) {
    case 'retry':
      retry?.();
      return;
    case 'setApiKey':
      void vscode.commands.executeCommand('conduit.setApiKey', provider ? { provider } : undefined);
      return;
    case 'switchProvider':
      void vscode.commands.executeCommand('conduit.switchProvider');
      return;
    case 'showLogs':
      void vscode.commands.executeCommand('conduit.showLogs');
      return;
    case 'showUsage':
      void vscode.commands.executeCommand('conduit.showUsage');
      return;
  }
}

/** The gate's kind for a daemon alert that a failed request of this window reports too. */
function alertKind(alert: Alert): FailureKind | undefined {
  if (alert.kind === 'key_rejected') return 'auth';
  if (alert.kind === 'error_rate') return 'outage';
  if (alert.kind === 'budget' && alert.severity === 'critical') return 'budget';
  return undefined;
}

/**
 * Failures of this window's requests as the user meets them: at most one notification per
 * failure (with buttons, the details in the log), and the status bar's warning until the next
 * success. The daemon's alerts about the same cause go through the same gate.
 */
export class FailureNotifier {
  private readonly gate: NoticeGate;
  /** Every notification shown through here, oldest first (the tests read it). */
  readonly shown: ShownNotice[] = [];

  constructor(
    private readonly sink: FailureSink,
    private readonly log: vscode.LogOutputChannel,
    gate?: NoticeGate,
  ) {
    this.gate = gate ?? new NoticeGate();
  }

  failed(failure: ClassifiedFailure, source: string, retry?: () => void): void {
    this.log.warn(`${source}: ${failure.view.title} ${failure.view.detail}`);
    if (failure.statusBar && failure.kind !== 'request')
      this.sink.reportFailure({ kind: failure.kind, message: failure.view.title });
    if (!failure.notify || !this.gate.claim(failure.kind)) return;
    // The panel (or the thread) already offers Retry; the toast keeps to the way out.
    const actions = failure.view.actions.filter((a) => a !== 'retry' || retry !== undefined).slice(0, 3);
    void this.show(failure.view.severity, `Conduit: ${failure.view.title}`, actions).then((a) => {
      if (a) runFailureAction(a, failure.provider, retry);
    });
  }

  succeeded(): void {
    this.gate.reset();
    this.sink.reportSuccess();
  }

  /**
   * A daemon alert, unless a failure of the same cause was just shown. A rejected key gets a
   * short sentence and "Set API Key"; its full text (with CLI advice) goes to the log.
   */
  alert(alert: Alert): void {
    const kind = alertKind(alert);
    if (kind && !this.gate.claim(kind)) {
      this.log.info(`alert not shown again (${alert.kind}): ${alert.message}`);
      return;
    }
    const severity = alert.severity === 'critical' ? 'error' : 'warning';
    if (alert.kind === 'key_rejected') {
      this.log.warn(alert.message);
      const provider = /^key_rejected:([^:]+):/.exec(alert.id)?.[1];
      void this.show(severity, `Conduit: ${provider ?? 'a provider'}'s API key was rejected (HTTP 401).`, [
        'setApiKey',
        'showLogs',
      ]).then((a) => a && runFailureAction(a, provider));
      return;
    }
    void this.showRaw(severity, `Conduit: ${alert.message}`, ['Open Panel', 'Show Logs']).then((choice) => {
      if (choice === 'Open Panel') void vscode.commands.executeCommand('conduit.showUsage');
      if (choice === 'Show Logs') void vscode.commands.executeCommand('conduit.showDaemonLog');
    });
  }

  private async show(
    severity: 'warning' | 'error',
    message: string,
    actions: FailureAction[],
  ): Promise<FailureAction | undefined> {
    const choice = await this.showRaw(
      severity,
      message,
      actions.map((a) => LABELS[a]),
    );
    return actions.find((a) => LABELS[a] === choice);
  }

  private showRaw(severity: 'warning' | 'error', message: string, items: string[]): Thenable<string | undefined> {
    this.shown.push({ severity, message, actions: items });
    return severity === 'error'
      ? vscode.window.showErrorMessage(message, ...items)
      : vscode.window.showWarningMessage(message, ...items);
  }
}
