import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProviderId } from '../protocol';
import { answerFooter } from './answerFooter';
import type { AnswerPanel } from './answerPanel';
import type { DaemonConnection } from './daemonConnection';
import { describeError, isCancelled } from './rpc';

/** Arguments for a programmatic Ask (tests, other commands); the palette passes none. */
export interface AskArgs {
  prompt?: string;
}

export interface AskOutcome {
  requestId: string;
  text: string;
  provider: string;
  model: string;
}

const MAX_CONTEXT_CHARS = 100_000;

/**
 * Ask: an input box, with the selection (or, if set, the whole file) as context; the answer
 * streams into the answer panel beside the editor, cancellable from the progress notification.
 */
export async function askCommand(daemon: DaemonConnection, panel: AnswerPanel, onDone: () => void, args?: AskArgs): Promise<AskOutcome | undefined> {
  const settings = vscode.workspace.getConfiguration('conduit');
  const context = contextFor(vscode.window.activeTextEditor, settings.get<string>('ask.context', 'selection'));
  const prompt = args?.prompt ?? await vscode.window.showInputBox({
    title: 'Conduit: Ask',
    prompt: context ? `Ask a question (${context.label} is included)` : 'Ask a question',
    ignoreFocusOut: true,
  });
  if (!prompt?.trim()) return undefined;
  const provider = settings.get<ProviderId>('provider');
  panel.show(prompt, context ? `Context: ${context.label}` : '');
  const content = context ? `${prompt}\n\n${context.label}:\n\`\`\`${context.languageId}\n${context.text}\n\`\`\`` : prompt;

  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Conduit is answering…', cancellable: true },
    async (_progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      let text = '';
      try {
        const client = await daemon.get();
        const result = await client.chat(
          { messages: [{ role: 'user', content }], stream: true, feature: 'ask', ...(provider ? { provider } : {}) },
          { signal: controller.signal, onChunk: (chunk) => { text += chunk.delta; panel.update({ text }); } },
        );
        panel.update({ text: result.text, footer: answerFooter(result), done: true, requestId: result.requestId }, true);
        return { requestId: result.requestId, text: result.text, provider: result.provider, model: result.model };
      } catch (err) {
        const cancelled = isCancelled(err);
        panel.update({ error: cancelled ? 'Cancelled.' : describeError(err), done: true }, true);
        if (!cancelled) void vscode.window.showErrorMessage(`Conduit: ${describeError(err)}`, 'Show Logs').then((c) => c && vscode.commands.executeCommand('conduit.showLogs'));
        return undefined;
      } finally {
        sub.dispose();
        onDone();
      }
    },
  );
}

function contextFor(editor: vscode.TextEditor | undefined, mode: string | undefined): { label: string; text: string; languageId: string } | undefined {
  if (!editor || mode === 'none') return undefined;
  const doc = editor.document;
  const name = path.basename(doc.fileName);
  if (!editor.selection.isEmpty) {
    return { label: `the selection from ${name}`, text: doc.getText(editor.selection).slice(0, MAX_CONTEXT_CHARS), languageId: doc.languageId };
  }
  if (mode === 'selectionOrFile') return { label: `the file ${name}`, text: doc.getText().slice(0, MAX_CONTEXT_CHARS), languageId: doc.languageId };
  return undefined;
}
