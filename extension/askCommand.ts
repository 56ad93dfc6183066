import * as vscode from 'vscode';
import { ConduitError } from '../protocol';
import type { DaemonConnection } from './daemonConnection';

/** Ask from the palette; the answer streams into the "Conduit Answers" output. */
export async function askCommand(daemon: DaemonConnection, answers: vscode.OutputChannel): Promise<void> {
  const prompt = await vscode.window.showInputBox({ title: 'Conduit: Ask', prompt: 'Ask a question', ignoreFocusOut: true });
  if (!prompt) return;
  const provider = vscode.workspace.getConfiguration('conduit').get<string>('provider');
  answers.show(true);
  answers.appendLine(`> ${prompt}\n`);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Conduit is answering…', cancellable: true },
    async (_progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      try {
        const client = await daemon.get();
        const result = await client.chat(
          {
            messages: [{ role: 'user', content: prompt }],
            stream: true,
            feature: 'ask',
            ...(provider ? { provider: provider as never } : {}),
          },
          { signal: controller.signal, onChunk: (chunk) => answers.append(chunk.delta) },
        );
        answers.appendLine(`\n\n— ${result.provider}/${result.model} · ${result.usage.input_tokens} in / ${result.usage.output_tokens} out · ${Math.round(result.latencyMs)} ms\n`);
      } catch (err) {
        const message = err instanceof ConduitError ? `${err.code}: ${err.message}` : String(err);
        answers.appendLine(`\n\n[error] ${message}\n`);
        if (!(err instanceof ConduitError && err.code === 'cancelled')) void vscode.window.showErrorMessage(`Conduit: ${message}`);
      }
    },
  );
}
