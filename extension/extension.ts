import * as vscode from 'vscode';
import { askCommand } from './askCommand';
import { DaemonConnection } from './daemonConnection';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Conduit', { log: true });
  const answers = vscode.window.createOutputChannel('Conduit Answers', 'markdown');
  const daemon = new DaemonConnection(context, log);
  context.subscriptions.push(
    log,
    answers,
    daemon,
    vscode.commands.registerCommand('conduit.ask', () => askCommand(daemon, answers)),
    vscode.commands.registerCommand('conduit.showLogs', () => log.show()),
    vscode.commands.registerCommand('conduit.restartDaemon', async () => {
      const client = await daemon.get();
      await client.stop();
      daemon.dispose();
      await daemon.get();
      void vscode.window.showInformationMessage('Conduit: the daemon was restarted.');
    }),
  );
}

export function deactivate(): void {
  // The daemon outlives the window on purpose: other windows and the CLI share it.
}
