import * as path from 'node:path';
import type * as vscode from 'vscode';
import { DaemonClient } from '../daemon/client/daemonClient';

/**
 * Holds the window's one connection to the user's daemon, made on first use so activation
 * stays free of I/O. A dropped connection is simply remade (and the daemon restarted) on the
 * next call; the extension issue replaces this with a budgeted restart policy.
 */
export class DaemonConnection {
  private client: Promise<DaemonClient> | undefined;

  constructor(private readonly context: vscode.ExtensionContext, private readonly log: vscode.LogOutputChannel) {}

  get(): Promise<DaemonClient> {
    if (!this.client) {
      const pending = DaemonClient.connect({
        client: 'vscode',
        autoStart: true,
        spawn: {
          daemonScript: path.join(this.context.extensionPath, 'dist', 'daemon.js'),
          // VS Code's own runtime, acting as Node; the user's node may be missing or another ABI.
          execPath: process.execPath,
          electronRunAsNode: true,
        },
      });
      this.client = pending;
      pending.then(
        (c) => {
          this.log.info(`connected to the Conduit daemon (pid ${c.hello.pid}, version ${c.hello.version})`);
          c.onClose(() => { if (this.client === pending) this.client = undefined; });
        },
        () => { if (this.client === pending) this.client = undefined; },
      );
    }
    return this.client;
  }

  dispose(): void {
    void this.client?.then((c) => c.close(), () => undefined);
    this.client = undefined;
  }
}
