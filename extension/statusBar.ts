import * as vscode from 'vscode';
import type { DaemonClient } from '../daemon/client/daemonClient';
import { UsageQueryRequest, type ProviderId, type StatusResult } from '../protocol';
import type { DaemonConnection } from './daemonConnection';
import { DaemonState } from './daemonState';
import { call } from './rpc';
import { REPLACE_MODEL_COMMAND, summarizeStatus, type StatusInput, type StatusSummary } from './statusSummary';

const REFRESH_MS = 60_000;

/** The one status bar item: provider, today's cost, health; click opens the usage panel. */
export class ConduitStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('conduit.status', vscode.StatusBarAlignment.Right, 100);
  private status: StatusResult | undefined;
  private todayCostUsd: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;
  private readonly disposables: vscode.Disposable[] = [];
  private restartPending: string[] = [];
  private lastFailure: StatusInput['lastFailure'];
  /** The last rendering, for tests. */
  summary: StatusSummary | undefined;

  constructor(private readonly daemon: DaemonConnection) {
    this.item.name = 'Conduit';
    this.item.command = 'conduit.showUsage';
    this.disposables.push(
      daemon.onDidChangeState((state) => {
        this.render();
        if (state === DaemonState.Running) void this.refresh();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('conduit.provider')) this.render();
      }),
    );
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref?.();
    this.render();
    this.item.show();
  }

  /** Fetches status and today's cost from a connected daemon; never starts one. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        const client = await this.daemon.ifRunning();
        if (client) await this.fetch(client);
        this.render();
      } while (this.again);
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Settings waiting for a daemon restart, from the last settings push; shown in the tooltip. */
  setRestartPending(names: string[]): void {
    this.restartPending = names;
    this.render();
  }

  /** A request of this window failed in a way the user should see: a warning until the next success. */
  reportFailure(failure: NonNullable<StatusInput['lastFailure']>): void {
    this.lastFailure = failure;
    this.render();
  }

  reportSuccess(): void {
    if (!this.lastFailure) return;
    this.lastFailure = undefined;
    this.render();
  }

  private async fetch(client: DaemonClient): Promise<void> {
    const dayStart = new Date();
    dayStart.setHours(0, 0, 0, 0);
    const [status, usage] = await Promise.allSettled([
      client.status(),
      call(client, UsageQueryRequest.type, {
        since: dayStart.getTime(),
        groupBy: 'day',
        utcOffsetMinutes: -dayStart.getTimezoneOffset(),
      }),
    ]);
    if (status.status === 'fulfilled') this.status = status.value;
    if (usage.status === 'fulfilled') this.todayCostUsd = usage.value.total.costUsd;
  }

  private render(): void {
    const provider = vscode.workspace.getConfiguration('conduit').get<ProviderId>('provider', 'anthropic');
    const failure = this.daemon.supervisor.failure;
    this.summary = summarizeStatus({
      provider,
      state: this.daemon.state,
      ...(failure ? { failure } : {}),
      ...(this.status ? { status: this.status } : {}),
      ...(this.todayCostUsd !== undefined ? { todayCostUsd: this.todayCostUsd } : {}),
      restartPending: this.restartPending,
      ...(this.lastFailure ? { lastFailure: this.lastFailure } : {}),
    });
    this.item.text = this.summary.text;
    const tooltip = new vscode.MarkdownString(this.summary.tooltip, true);
    // Only the "Switch to …" link of a retiring model may run a command.
    tooltip.isTrusted = { enabledCommands: [REPLACE_MODEL_COMMAND] };
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: this.summary.accessibilityLabel, role: 'button' };
    this.item.backgroundColor =
      this.summary.health === 'stopped'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : this.summary.health === 'degraded' || this.summary.health === 'budget' || this.summary.health === 'deprecated'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.item.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
