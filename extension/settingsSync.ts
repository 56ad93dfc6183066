import * as vscode from 'vscode';
import type { DaemonClient } from '../daemon/client/daemonClient';
import { ConfigUpdateRequest, type ConfigUpdateResult } from '../protocol';
import { call, describeError } from './rpc';
import { describeProblem, settingsToDaemonConfig } from './settingsBridge';

/**
 * Pushes the `conduit.*` settings to the daemon: on every (re)connection and on every change, so
 * they apply live. The daemon validates; on problems the last valid configuration stays in force
 * and the user is told which setting is wrong.
 */
export class SettingsSync {
  /** The last answer, for tests. */
  last: ConfigUpdateResult | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  async push(client: DaemonClient): Promise<ConfigUpdateResult> {
    const config = vscode.workspace.getConfiguration('conduit');
    const { settings, problems: local } = settingsToDaemonConfig((key) => {
      const i = config.inspect(key);
      return i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    });
    let result: ConfigUpdateResult;
    try {
      result = await call(client, ConfigUpdateRequest.type, { settings, source: 'vscode' });
    } catch (err) {
      this.log.warn(`the daemon did not take the settings: ${describeError(err)}`);
      result = { applied: false, problems: [describeError(err)] };
    }
    const problems = [...local, ...result.problems.map(describeProblem)];
    this.last = { applied: result.applied, problems };
    if (problems.length > 0) {
      this.log.warn(`settings problems: ${problems.join('; ')}`);
      const what = result.applied ? 'Some Conduit settings were ignored' : 'Conduit settings were not applied; the last valid configuration stays in force';
      void vscode.window.showWarningMessage(`${what}: ${problems.join('; ')}`, 'Open Settings').then((c) => {
        if (c) void vscode.commands.executeCommand('workbench.action.openSettings', 'conduit.');
      });
    } else {
      this.log.info('settings applied by the daemon');
    }
    return this.last;
  }
}
