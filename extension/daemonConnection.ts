import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DaemonClient } from '../daemon/client/daemonClient';
import { conduitHome, homeLayout } from '../daemon/home/conduitHome';
import { CONDUIT_VERSION } from '../protocol';
import { DaemonState } from './daemonState';
import { DaemonSupervisor } from './daemonSupervisor';
import { RestartPolicy } from './restartPolicy';

/**
 * The window's connection to the user's daemon: the supervisor (restart budget, states) wired to
 * the shared DaemonClient and to VS Code's UI. The daemon is started with VS Code's own runtime
 * (`process.execPath` as Node), detached, so it outlives the window.
 */
export class DaemonConnection implements vscode.Disposable {
  readonly supervisor: DaemonSupervisor<DaemonClient>;
  private readonly connectedListeners = new Set<(client: DaemonClient) => void | Promise<void>>();

  constructor(
    context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.supervisor = new DaemonSupervisor<DaemonClient>({
      connect: () =>
        DaemonClient.connect({
          client: 'vscode',
          autoStart: true,
          spawn: {
            daemonScript: path.join(context.extensionPath, 'dist', 'daemon.js'),
            // VS Code's own runtime, acting as Node; the user's node may be missing or another ABI.
            execPath: process.execPath,
            electronRunAsNode: true,
          },
        }),
      connectExisting: connectIfRunning,
      policy: new RestartPolicy(),
      log,
      isOutdated: (client) => client.hello.version !== CONDUIT_VERSION,
      waitForExit,
      onConnected: async (client) => {
        await Promise.all([...this.connectedListeners].map(async (l) => l(client)));
      },
      onGaveUp: (reason) => void this.showGaveUp(reason),
    });
  }

  get state(): DaemonState {
    return this.supervisor.state;
  }

  get(): Promise<DaemonClient> {
    return this.supervisor.get();
  }

  /** The connection now, without starting anything. */
  async ifRunning(): Promise<DaemonClient | undefined> {
    if (this.supervisor.state !== DaemonState.Running) return undefined;
    return this.supervisor.get().catch(() => undefined);
  }

  /**
   * After a short delay, connects to a daemon that is already running, so the status bar shows
   * its figures before the first command. Off the activation path; never starts a daemon.
   */
  attachSoon(delayMs = ATTACH_DELAY_MS): vscode.Disposable {
    const timer = setTimeout(() => void this.supervisor.attach(), delayMs);
    timer.unref?.();
    return new vscode.Disposable(() => clearTimeout(timer));
  }

  restart(): Promise<DaemonClient> {
    return this.supervisor.restart();
  }

  /** Every new connection, the first and each after a restart. */
  onConnected(listener: (client: DaemonClient) => void | Promise<void>): vscode.Disposable {
    this.connectedListeners.add(listener);
    return new vscode.Disposable(() => this.connectedListeners.delete(listener));
  }

  onDidChangeState(listener: (state: DaemonState) => void): vscode.Disposable {
    const sub = this.supervisor.onDidChangeState(listener);
    return new vscode.Disposable(() => sub.dispose());
  }

  private async showGaveUp(reason: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(
      `Conduit: the daemon keeps stopping, so it was not restarted again (${reason}).`,
      'Show Logs',
      'Restart',
    );
    if (choice === 'Show Logs') void vscode.commands.executeCommand('conduit.showDaemonLog');
    if (choice === 'Restart') {
      await this.supervisor.restart().then(
        () => vscode.window.showInformationMessage('Conduit: the daemon was restarted.'),
        (err: unknown) =>
          vscode.window.showErrorMessage(
            `Conduit: the daemon could not be restarted: ${err instanceof Error ? err.message : String(err)}`,
          ),
      );
    }
  }

  dispose(): void {
    this.supervisor.dispose();
    this.connectedListeners.clear();
  }
}

/** Long enough for the window to finish starting; short enough that the status bar looks alive. */
const ATTACH_DELAY_MS = 1500;

/** No token file: no daemon has ever run in this home, so there is nothing to connect to. */
async function connectIfRunning(): Promise<DaemonClient | undefined> {
  const layout = homeLayout(conduitHome());
  const exists = await fs.promises.access(layout.tokenFile).then(
    () => true,
    () => false,
  );
  if (!exists) return undefined;
  return DaemonClient.connect({ client: 'vscode', autoStart: false, helloTimeoutMs: 3000 }).catch(() => undefined);
}

/** Polls until the process is gone (or 15 s pass). */
async function waitForExit(pid: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
