import * as vscode from 'vscode';
import {
  DEFAULT_PANEL_FILTERS,
  parseFromWebview,
  parsePanelFilters,
  type AlertEvent,
  type FromWebview,
  type PanelFilters,
  type PanelSnapshot,
  type ToWebview,
  type UsageQueryResult,
} from '../protocol';
import type { DaemonConnection } from './daemonConnection';
import { deadline, FIRST_HTML_WAIT_MS, within } from './firstPaintWait';
import { exportCsv } from './panelCsv';
import { fetchLive, fetchSnapshot, fitRangeRead } from './panelData';
import { PageOutbox } from './pageOutbox';
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
  /** Bumped when the page asks for other filters: a snapshot read for older ones is not posted. */
  private asked = 0;
  /** What the first snapshot was read for, from the panel's creation until the page's first `ready`. */
  private prefetched: { filters: PanelFilters; fitRange: boolean } | undefined;
  /** Takes the first snapshot's first-paint part while the page's HTML waits for it. */
  private firstPart: ((partial: PanelSnapshot) => void) | undefined;
  private disposed = false;
  private readonly outbox: PageOutbox;
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
    // A new panel's page has no state: it will ask for the default filters, fitted to the data.
    UsagePanel.current = new UsagePanel(panel, deps, DEFAULT_PANEL_FILTERS, true);
    return UsagePanel.current;
  }

  /** After a reload: the serializer hands back the panel and the page's last saved state. */
  static revive(panel: vscode.WebviewPanel, deps: UsagePanelDeps, state: unknown): UsagePanel {
    UsagePanel.current?.dispose();
    const saved =
      typeof state === 'object' && state !== null ? (state as { filters?: unknown; fitRange?: unknown }) : {};
    const filters = parsePanelFilters(saved.filters);
    panel.webview.options = UsagePanel.options(deps.extensionUri);
    // As the page will ask (webview/app.ts): the saved filters, fitted when none were chosen yet.
    UsagePanel.current = new UsagePanel(
      panel,
      deps,
      filters ?? DEFAULT_PANEL_FILTERS,
      saved.filters === undefined || saved.fitRange === true,
    );
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
    filters: PanelFilters,
    fitRange: boolean,
  ) {
    this.filters = filters;
    this.fitPending = fitRange;
    this.outbox = new PageOutbox((m) => void this.panel.webview.postMessage(m));
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.onDidChangeViewState(() => this.schedule(), null, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => void this.received(m), null, this.disposables);
    this.schedule();
    // The first snapshot is read as the panel is created (issue 27): its cards go into the page's
    // HTML when its first-paint part is in within FIRST_HTML_WAIT_MS, else it follows as a message.
    this.prefetched = { filters, fitRange };
    const part = new Promise<PanelSnapshot>((resolve) => {
      this.firstPart = resolve;
    });
    void this.refreshSnapshot(true);
    const wait = deadline(FIRST_HTML_WAIT_MS);
    void within(part, wait.done).then((first) => {
      wait.cancel();
      this.firstPart = undefined;
      if (this.disposed) return;
      if (first) this.outbox.inPage(first.generatedAt);
      panel.webview.html = panelHtml(panel.webview, deps.extensionUri, first);
    });
  }

  private async received(raw: unknown): Promise<void> {
    const message: FromWebview | undefined = parseFromWebview(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready': {
        const first = this.prefetched;
        this.prefetched = undefined;
        const fit = message.fitRange === true;
        if (first && first.fitRange === fit && sameFilters(first.filters, message.filters)) {
          // The prefetched snapshot: posted now if it is in, else as it lands.
          this.outbox.ready();
          await Promise.all([this.snapshotting, this.tick()]);
          return;
        }
        // A reloaded page (the panel was hidden or moved), or one that asks for other filters.
        this.outbox.discard();
        this.outbox.ready();
        this.ask(message.filters, fit);
        await Promise.all([this.refreshSnapshot(true), this.tick()]);
        return;
      }
      case 'filters':
        this.ask(message.filters, false);
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

  private ask(filters: PanelFilters, fitRange: boolean): void {
    this.filters = filters;
    this.fitPending = fitRange;
    this.asked++;
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
    // Requests finished, not started: `requestsServed` counts a request as it starts, and a
    // snapshot read while it is still in flight misses its row, then no later tick sees a change.
    const status = live.status;
    const served = status ? status.requestsServed - status.inFlight : undefined;
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
        const asked = this.asked;
        // Read for filters the page has since changed: the next round reads the new ones.
        const post = (message: ToWebview) => {
          if (asked === this.asked) this.post(message);
        };
        try {
          const client = startDaemon ? await this.deps.daemon.get() : await this.deps.daemon.ifRunning();
          if (!client) return;
          const now = Date.now();
          let read: UsageQueryResult | undefined;
          if (this.fitPending) {
            const fit = await fitRangeRead(client, now);
            // A range the user picked meanwhile wins.
            if (this.fitPending) {
              this.filters = { ...this.filters, range: fit.range };
              // A fitted "Last 90 days" is the fit's own query: fetchSnapshot does not ask again.
              read = fit.days;
            }
            this.fitPending = false;
          }
          const budgets = vscode.workspace.getConfiguration('conduit').get<unknown>('budgets');
          // The cards first, from the per-day totals (a few kB, within the 300 ms goal), then the whole.
          const snapshot = await fetchSnapshot(
            client,
            this.filters,
            budgets,
            now,
            (partial) => {
              if (asked === this.asked) this.firstPart?.(partial);
              post({ type: 'snapshot', snapshot: partial });
            },
            read,
          );
          this.snapshotAt = Date.now();
          post({ type: 'snapshot', snapshot });
        } catch (err) {
          this.deps.log.warn(`usage panel: ${describeError(err)}`);
          post({ type: 'error', message: `The usage figures could not be read: ${describeError(err)}` });
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
    this.outbox.post(message);
  }

  dispose(): void {
    this.disposed = true;
    if (UsagePanel.current === this) UsagePanel.current = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

function sameFilters(a: PanelFilters, b: PanelFilters): boolean {
  return a.range === b.range && a.provider === b.provider && a.model === b.model && a.feature === b.feature;
}
