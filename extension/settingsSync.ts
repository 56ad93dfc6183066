import * as vscode from 'vscode';
import type { DaemonClient } from '../daemon/client/daemonClient';
import { ConfigUpdateRequest, type ConfigUpdateResult, type ProviderId } from '../protocol';
import { call, describeError } from './rpc';
import { BRIDGED_SETTINGS, describeProblem, settingFor, settingsToDaemonConfig } from './settingsBridge';
import { userLevelSettings } from './settingsScope';

/** A conflict with another window is checked once more after this, since every window pushes on the same change. */
const CONFLICT_RECHECK_MS = 3000;

/**
 * Pushes the user's `conduit.*` settings to the daemon: on every (re)connection and on every
 * change, so they apply live. The daemon validates; on problems the last valid configuration stays
 * in force and the user is told which setting is wrong. Also says, once per distinct case, which
 * values wait for a daemon restart, which workspace values the shared daemon does not take (see
 * settingsScope.ts), and when another window's user settings disagree.
 */
export class SettingsSync implements vscode.Disposable {
  /** The last answer, for tests. */
  last: ConfigUpdateResult | undefined;
  private readonly told = new Map<'restart' | 'workspace' | 'conflict', string>();
  private recheck: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    /** The settings (by name) waiting for a daemon restart after each push; for the status bar. */
    private readonly onRestartPending: (names: string[]) => void = () => undefined,
  ) {}

  async push(client: DaemonClient, again = false): Promise<ConfigUpdateResult> {
    const config = vscode.workspace.getConfiguration('conduit');
    const scoped = userLevelSettings((key) => config.inspect(key), BRIDGED_SETTINGS);
    const { settings, problems: local } = settingsToDaemonConfig(scoped.read);
    let result: ConfigUpdateResult;
    try {
      result = await call(client, ConfigUpdateRequest.type, { settings, source: 'vscode' });
    } catch (err) {
      this.log.warn(`the daemon did not take the settings: ${describeError(err)}`);
      result = { applied: false, problems: [describeError(err)] };
    }
    const problems = [...local, ...result.problems.map(describeProblem)];
    this.last = { ...result, problems };
    if (problems.length > 0) {
      this.log.warn(`settings problems: ${problems.join('; ')}`);
      const what = result.applied
        ? 'Some Conduit settings were ignored'
        : 'Conduit settings were not applied; the last valid configuration stays in force';
      void vscode.window.showWarningMessage(`${what}: ${problems.join('; ')}`, 'Open Settings').then((c) => {
        if (c) void vscode.commands.executeCommand('workbench.action.openSettings', 'conduit.');
      });
    } else {
      this.log.info('settings applied by the daemon');
    }
    this.tellWorkspaceOnly(scoped.workspaceOnly);
    this.tellRestartNeeded(result.restartNeeded ?? []);
    this.tellConflicts(client, result.conflicts ?? [], again);
    return this.last;
  }

  private tellWorkspaceOnly(names: string[]): void {
    if (!this.firstTime('workspace', names)) return;
    const list = names.join(', ');
    this.log.warn(`workspace values not sent to the shared daemon (it follows User settings): ${list}`);
    void vscode.window
      .showWarningMessage(
        `Conduit: ${list} ${names.length === 1 ? 'is' : 'are'} set for this workspace, but the daemon serves every window, so it follows your User settings. Move ${names.length === 1 ? 'it' : 'them'} to User settings. (Only conduit.provider may differ per workspace: it steers this window's requests.)`,
        'Open Workspace Settings',
      )
      .then(
        (c) => c && vscode.commands.executeCommand('workbench.action.openWorkspaceSettings', { query: 'conduit.' }),
      );
  }

  private tellRestartNeeded(paths: string[]): void {
    const names = paths.map((p) => settingFor(p) ?? `${p} (config.json)`);
    this.onRestartPending(names);
    if (!this.firstTime('restart', names)) return;
    const list = names.join(', ');
    this.log.info(`applied at once except ${list}, which take effect when the daemon restarts`);
    // Every window pushes the same change; only the one the user is looking at says so.
    if (!vscode.window.state.focused) return;
    void vscode.window
      .showInformationMessage(
        `Conduit: settings applied, except ${list}, which ${names.length === 1 ? 'takes' : 'take'} effect when the daemon restarts.`,
        'Restart Daemon',
      )
      .then((c) => c && vscode.commands.executeCommand('conduit.restartDaemon'));
  }

  /**
   * Another window pushed other user settings (another profile or install). Windows of one
   * profile push the same change a moment apart, so a conflict counts only if it is still there
   * a few seconds later.
   */
  private tellConflicts(client: DaemonClient, paths: string[], again: boolean): void {
    if (paths.length === 0) {
      this.told.delete('conflict');
      return;
    }
    if (!again) {
      if (this.recheck) clearTimeout(this.recheck);
      this.recheck = setTimeout(() => {
        this.recheck = undefined;
        if (!client.closed) void this.push(client, true);
      }, CONFLICT_RECHECK_MS);
      this.recheck.unref?.();
      return;
    }
    const names = [...new Set(paths.map((p) => settingFor(p) ?? p))];
    if (!this.firstTime('conflict', names)) return;
    const list = names.join(', ');
    this.log.warn(`another window has different user settings for ${list}; the daemon follows the last one saved`);
    void vscode.window
      .showWarningMessage(
        `Conduit: another VS Code window (another profile or install) has different user settings for ${list}. The daemon is shared and follows the window that saved last, here this one.`,
        'Open User Settings',
      )
      .then((c) => c && vscode.commands.executeCommand('workbench.action.openSettings', 'conduit.'));
  }

  /** True once per distinct non-empty list of each kind; an empty list resets it. */
  private firstTime(kind: 'restart' | 'workspace' | 'conflict', names: string[]): boolean {
    const key = [...names].sort().join(',');
    if (!key) {
      this.told.delete(kind);
      return false;
    }
    if (this.told.get(kind) === key) return false;
    this.told.set(kind, key);
    return true;
  }

  dispose(): void {
    if (this.recheck) clearTimeout(this.recheck);
  }
}

/** This window's provider, for its requests: a workspace value applies to this window only. */
export function providerOfWindow(): { provider?: ProviderId } {
  const provider = vscode.workspace.getConfiguration('conduit').get<ProviderId>('provider');
  return provider ? { provider } : {};
}
