import * as crypto from 'node:crypto';
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

/** One question as sent: kept so that Retry asks exactly the same again. */
interface AskJob {
  question: string;
  contextLabel: string;
  content: string;
  provider: ProviderId | undefined;
  /** The same on a retry, so the retry stays on the experiment arm that gave the first answer. */
  experimentKey: string;
}

/**
 * Ask: an input box, with the selection (or, if set, the whole file) as context; the answer
 * streams into the answer panel beside the editor, cancellable from the progress notification.
 * Retry asks the same question again and tells the daemon the first answer was retried.
 */
export class AskRunner {
  private last: AskJob | undefined;

  constructor(
    private readonly daemon: DaemonConnection,
    private readonly panel: AnswerPanel,
    private readonly onDone: () => void,
    private readonly rate: (requestId: string, rating: 1 | -1, reason: 'user' | 'retry') => Promise<void>,
  ) {}

  async ask(args?: AskArgs): Promise<AskOutcome | undefined> {
    const settings = vscode.workspace.getConfiguration('conduit');
    const context = contextFor(vscode.window.activeTextEditor, settings.get<string>('ask.context', 'selection'));
    const prompt =
      args?.prompt ??
      (await vscode.window.showInputBox({
        title: 'Conduit: Ask',
        prompt: context ? `Ask a question (${context.label} is included)` : 'Ask a question',
        ignoreFocusOut: true,
      }));
    if (!prompt?.trim()) return undefined;
    const content = context
      ? `${prompt}\n\n${context.label}:\n\`\`\`${context.languageId}\n${context.text}\n\`\`\``
      : prompt;
    this.last = {
      question: prompt,
      contextLabel: context ? `Context: ${context.label}` : '',
      content,
      // This window's provider (a workspace setting applies to this window's requests only).
      provider: settings.get<ProviderId>('provider'),
      experimentKey: `ask:${crypto.createHash('sha256').update(content).digest('hex').slice(0, 32)}`,
    };
    return this.run(this.last);
  }

  /**
   * The answer panel's Retry: the answer on screen is rated as retried (a thumbs down with
   * reason "retry", which experiments count against its arm), and the same question goes again.
   */
  async retry(): Promise<AskOutcome | undefined> {
    const job = this.last;
    const shown = this.panel.current;
    if (!job || !shown?.done) return undefined;
    if (shown.requestId) await this.rate(shown.requestId, -1, 'retry');
    return this.run(job);
  }

  private run(job: AskJob): Thenable<AskOutcome | undefined> {
    this.panel.show(job.question, job.contextLabel);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Conduit is answering…', cancellable: true },
      async (_progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        let text = '';
        try {
          const client = await this.daemon.get();
          const result = await client.chat(
            {
              messages: [{ role: 'user', content: job.content }],
              stream: true,
              feature: 'ask',
              experimentKey: job.experimentKey,
              ...(job.provider ? { provider: job.provider } : {}),
            },
            {
              signal: controller.signal,
              onChunk: (chunk) => {
                text += chunk.delta;
                this.panel.update({ text });
              },
            },
          );
          this.panel.update(
            { text: result.text, footer: answerFooter(result), done: true, requestId: result.requestId },
            true,
          );
          return { requestId: result.requestId, text: result.text, provider: result.provider, model: result.model };
        } catch (err) {
          const cancelled = isCancelled(err);
          this.panel.update({ error: cancelled ? 'Cancelled.' : describeError(err), done: true }, true);
          if (!cancelled)
            void vscode.window
              .showErrorMessage(`Conduit: ${describeError(err)}`, 'Show Logs')
              .then((c) => c && vscode.commands.executeCommand('conduit.showLogs'));
          return undefined;
        } finally {
          sub.dispose();
          this.onDone();
        }
      },
    );
  }
}

function contextFor(
  editor: vscode.TextEditor | undefined,
  mode: string | undefined,
): { label: string; text: string; languageId: string } | undefined {
  if (!editor || mode === 'none') return undefined;
  const doc = editor.document;
  const name = path.basename(doc.fileName);
  if (!editor.selection.isEmpty) {
    return {
      label: `the selection from ${name}`,
      text: doc.getText(editor.selection).slice(0, MAX_CONTEXT_CHARS),
      languageId: doc.languageId,
    };
  }
  if (mode === 'selectionOrFile')
    return { label: `the file ${name}`, text: doc.getText().slice(0, MAX_CONTEXT_CHARS), languageId: doc.languageId };
  return undefined;
}
