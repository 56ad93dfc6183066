import * as vscode from 'vscode';
import {
  DEFAULT_PANEL_FILTERS,
  parseFromWebview,
  parsePanelFilters,
  type AlertEvent,
  type FromWebview,
  type PanelFilters,
  type ToWebview,
} from '../protocol';
import type { DaemonConnection } from './daemonConnection';
import { exportCsv } from './panelCsv';
import { fetchLive, fetchSnapshot, fitRange } from './panelData';
import { panelHtml } from './panelHtml';
import { describeError } from './rpc';

export interface UsagePanelDeps {
  extensionUri: vscode.Uri;
  daemon: DaemonConnection;
  log: vscode.LogOutputChannel;
}

/** Live figures (status, the last minutes, alerts) while the panel is visible. */
const LIVE_MS = 2000;
/** The ledger figures are re-read when requests were served, and at least this often (day rollover). */
const SNAPSHOT_MAX_AGE_MS = 60_000;

/**
 * The usage & cost panel: one WebviewPanel, revived after a reload by its serializer. The page
 * keeps its own state (getState/setState), so there is no retainContextWhenHidden; while the panel
 * is visible the extension pushes live figures every 2 s and the ledger figures after new requests.
 */
export class UsagePanel implements vscode.Disposable {
  static readonly viewType = 'conduit.usage';
  private static current: UsagePanel | undefined;

  private filters: PanelFilters = DEFAULT_PANEL_FILTERS;
  /** The page has no range chosen yet: the next snapshot fits it to the data. */
  private fitPending = false;
  private timer: NodeJS.Timeout | undefined;
  private lastServed: number | undefined;
  private snapshotAt = 0;
  private snapshotting: Promise<void> | undefined;
  private snapshotAgain = false;
  private readonly disposables: vscode.Disposable[] = [];

  static createOrShow(deps: UsagePanelDeps): UsagePanel {
    if (UsagePanel.current) {
      UsagePanel.current.panel.reveal();
      return UsagePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      UsagePanel.viewType,
      'Conduit: Usage & Cost',
      vscode.ViewColumn.Active,
      UsagePanel.options(deps.extensionUri),
    );
    UsagePanel.current = new UsagePanel(panel, deps);
    return UsagePanel.current;
  }

  /** After a reload: the serializer hands back the panel and the page's last saved state. */
  static revive(panel: vscode.WebviewPanel, deps: UsagePanelDeps, state: unknown): UsagePanel {
    UsagePanel.current?.dispose();
    const filters =
      typeof state === 'object' && state !== null
        ? parsePanelFilters((state as { filters?: unknown }).filters)
        : undefined;
    panel.webview.options = UsagePanel.options(deps.extensionUri);
    UsagePanel.current = new UsagePanel(panel, deps, filters);
    return UsagePanel.current;
  }

  static registerSerializer(deps: UsagePanelDeps): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(UsagePanel.viewType, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        UsagePanel.revive(panel, deps, state);
      },
    });
  }

  /** `alerts/raised`, relayed to an open panel. */
  static alert(event: AlertEvent): void {
    const p = UsagePanel.current;
    if (!p) return;
    p.post({ type: 'alert', event });
    void p.tick();
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly deps: UsagePanelDeps,
    filters?: PanelFilters,
  ) {
    if (filters) this.filters = filters;
    panel.webview.html = panelHtml(panel.webview, deps.extensionUri);
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.onDidChangeViewState(() => this.schedule(), null, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => void this.received(m), null, this.disposables);
    this.schedule();
  }

  private async received(raw: unknown): Promise<void> {
    const message: FromWebview | undefined = parseFromWebview(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
      case 'filters':
        this.filters = message.filters;
        this.fitPending = message.type === 'ready' && message.fitRange === true;
        await Promise.all([this.refreshSnapshot(true), this.tick()]);
        return;
      case 'refresh':
        await Promise.all([this.refreshSnapshot(true), this.tick()]);
        return;
      case 'exportCsv':
        await this.export(message.filters);
        return;
    }
  }

  private async export(filters: PanelFilters): Promise<void> {
    try {
      const result = await exportCsv(await this.deps.daemon.get(), filters);
      if (result) this.post({ type: 'exportResult', ...result });
    } catch (err) {
      this.post({ type: 'exportResult', ok: false, message: `The export failed: ${describeError(err)}` });
    }
  }

  /** Live figures now; the ledger figures too when the daemon served requests since the last look. */
  private async tick(): Promise<void> {
    const client = await this.deps.daemon.ifRunning();
    const live = await fetchLive(client);
    this.post({ type: 'live', live });
    const served = live.status?.requestsServed;
    // The first count seen may already include requests the last snapshot missed (a panel
    // revived before the daemon connection was back), so it counts as a change too.
    const changed = served !== undefined && served !== this.lastServed;
    if (served !== undefined) this.lastServed = served;
    if (changed || Date.now() - this.snapshotAt > SNAPSHOT_MAX_AGE_MS) await this.refreshSnapshot(false);
  }

  /** One snapshot at a time; a request for another while one runs gets one more after it. */
  private refreshSnapshot(startDaemon: boolean): Promise<void> {
    if (this.snapshotting) {
      this.snapshotAgain = true;
      return this.snapshotting;
    }
    this.snapshotting = (async () => {
      do {
        this.snapshotAgain = false;
        try {
          const client = startDaemon ? await this.deps.daemon.get() : await this.deps.daemon.ifRunning();
          if (!client) return;
          if (this.fitPending) {
            const range = await fitRange(client);
            // A range the user picked meanwhile wins.
            if (this.fitPending) this.filters = { ...this.filters, range };
            this.fitPending = false;
          }
          const budgets = vscode.workspace.getConfiguration('conduit').get<unknown>('budgets');
          // The cards and charts first (within the 300 ms goal), then the rest.
          const snapshot = await fetchSnapshot(client, this.filters, budgets, Date.now(), (partial) =>
            this.post({ type: 'snapshot', snapshot: partial }),
          );
          this.snapshotAt = Date.now();
          this.post({ type: 'snapshot', snapshot });
        } catch (err) {
          this.deps.log.warn(`usage panel: ${describeError(err)}`);
          this.post({ type: 'error', message: `The usage figures could not be read: ${describeError(err)}` });
        }
      } while (this.snapshotAgain);
    })().finally(() => {
      this.snapshotting = undefined;
    });
    return this.snapshotting;
  }

  /** The live timer runs only while the panel is visible. */
  private schedule(): void {
    if (this.panel.visible && !this.timer) {
      this.timer = setInterval(() => void this.tick().catch(() => undefined), LIVE_MS);
    } else if (!this.panel.visible && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (UsagePanel.current === this) UsagePanel.current = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
