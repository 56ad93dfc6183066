import * as crypto from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ConduitError, type ProviderId } from '../protocol';
import type { FailureView } from '../protocol/answerView';
import { answerFooter } from './answerFooter';
import type { AnswerPanel } from './answerPanel';
import { askContextMode, chooseAskContext, type AskContextChoice, type AskContextMode } from './askContext';
import type { DaemonConnection } from './daemonConnection';
import type { ExplainedSelections } from './explainedSelections';
import type { FailureNotifier } from './failureNotifier';
import { classifyError, classifyResult } from './failureView';
import { describeError } from './rpc';

/** Arguments for a programmatic Ask (tests, other commands); the palette passes none. */
export interface AskArgs {
  prompt?: string;
  /** What to send instead of `conduit.ask.context`. */
  context?: AskContextMode;
  /** Send a selection left over from Explain too (the Ask box's "selection" button does). */
  includeLeftOver?: boolean;
}

export interface AskOutcome {
  requestId: string;
  text: string;
  provider: string;
  model: string;
  /** What went with the question, as the Ask box said it. */
  context: string;
  /** Set when the answer is a simplified or stale one. */
  failure?: FailureView;
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

interface Gathered {
  editor: vscode.TextEditor | undefined;
  choose(mode: AskContextMode, includeLeftOver: boolean): AskContextChoice;
}

/**
 * Ask: an input box that says what goes with the question (the selection, the active file or no
 * code; a button changes it), the answer streaming into the answer panel beside the editor,
 * cancellable from the progress notification. Retry asks the same question again and tells the
 * daemon the first answer was retried. A failure shows in the panel in the theme's warning or
 * error style, with one notification.
 */
export class AskRunner {
  private last: AskJob | undefined;
  private failedProvider: string | undefined;

  constructor(
    private readonly daemon: DaemonConnection,
    private readonly panel: AnswerPanel,
    private readonly notices: FailureNotifier,
    private readonly explained: ExplainedSelections,
    private readonly onDone: () => void,
    private readonly rate: (requestId: string, rating: 1 | -1, reason: 'user' | 'retry') => Promise<void>,
  ) {}

  async ask(args?: AskArgs): Promise<AskOutcome | undefined> {
    const settings = vscode.workspace.getConfiguration('conduit');
    const gathered = this.gather();
    // A per-folder value applies to the file being asked about.
    const folderSettings = vscode.workspace.getConfiguration('conduit', gathered.editor?.document.uri);
    let mode = args?.context ?? askContextMode(folderSettings.get('ask.context'));
    let includeLeftOver = args?.includeLeftOver ?? false;
    let prompt = args?.prompt;
    if (prompt === undefined) {
      const typed = await askBox(gathered, mode);
      if (!typed) return undefined;
      ({ prompt, mode, includeLeftOver } = typed);
    }
    if (!prompt.trim()) return undefined;
    const choice = gathered.choose(mode, includeLeftOver);
    const content = withContext(prompt, choice, gathered.editor);
    this.last = {
      question: prompt,
      contextLabel: choice.label,
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
    if (shown.requestId && !shown.failure) await this.rate(shown.requestId, -1, 'retry');
    return this.run(job);
  }

  /** The provider the last failure concerned, for the panel's "Set API Key". */
  lastProvider(): string | undefined {
    return this.failedProvider;
  }

  /** The active editor and what each choice would send from it. */
  private gather(): Gathered {
    const editor = vscode.window.activeTextEditor;
    const other = editor
      ? undefined
      : vscode.window.visibleTextEditors.find((e) => !e.selection.isEmpty)?.document.fileName;
    const facts = editor && {
      fileName: path.basename(editor.document.fileName),
      lineCount: editor.document.lineCount,
      selectedLines: editor.selection.isEmpty ? 0 : selectedLines(editor.selection),
      selectionIsLeftOver: this.explained.isLeftOver(editor),
    };
    return {
      editor,
      choose: (mode, includeLeftOver) =>
        chooseAskContext(mode, facts, {
          includeLeftOver,
          ...(other ? { otherEditorSelection: path.basename(other) } : {}),
        }),
    };
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
          const failure = classifyResult(result);
          this.failedProvider = failure?.provider;
          this.panel.update(
            {
              // A simplified answer is Conduit's words about the failure: the failure view says it.
              text: result.degraded ? '' : result.text,
              footer: answerFooter(result),
              done: true,
              requestId: result.requestId,
              ...(failure ? { failure: failure.view } : {}),
            },
            true,
          );
          if (failure) this.notices.failed(failure, 'Ask', () => void this.retry());
          else this.notices.succeeded();
          return {
            requestId: result.requestId,
            text: result.text,
            provider: result.provider,
            model: result.model,
            context: job.contextLabel,
            ...(failure ? { failure: failure.view } : {}),
          };
        } catch (err) {
          const data =
            err instanceof ConduitError ? err.data : { code: 'internal' as const, message: describeError(err) };
          const failure = classifyError(data);
          if (!failure) {
            this.panel.update({ footer: 'Cancelled.', done: true }, true);
            return undefined;
          }
          this.failedProvider = failure.provider;
          this.panel.update({ failure: failure.view, done: true }, true);
          this.notices.failed(failure, 'Ask', () => void this.retry());
          return undefined;
        } finally {
          sub.dispose();
          this.onDone();
        }
      },
    );
  }
}

function selectedLines(selection: vscode.Selection): number {
  // A selection that ends at the start of a line does not take that line.
  const end = selection.end.character === 0 && selection.end.line > selection.start.line ? -1 : 0;
  return selection.end.line - selection.start.line + 1 + end;
}

function withContext(prompt: string, choice: AskContextChoice, editor: vscode.TextEditor | undefined): string {
  if (!editor || choice.send === 'none') return prompt;
  const doc = editor.document;
  const code = (choice.send === 'selection' ? doc.getText(editor.selection) : doc.getText()).slice(
    0,
    MAX_CONTEXT_CHARS,
  );
  const what = choice.send === 'selection' ? `The selection from ${path.basename(doc.fileName)}` : 'The active file';
  return `${prompt}\n\n${what} (${path.basename(doc.fileName)}):\n\`\`\`${doc.languageId}\n${code}\n\`\`\``;
}

interface ContextButton extends vscode.QuickInputButton {
  mode: AskContextMode;
  includeLeftOver: boolean;
}

/**
 * The Ask box. Its title says what will be sent; its buttons change that for this question.
 * Resolves with the question and the choice, or undefined when dismissed.
 */
function askBox(
  gathered: Gathered,
  initial: AskContextMode,
): Promise<{ prompt: string; mode: AskContextMode; includeLeftOver: boolean } | undefined> {
  const box = vscode.window.createInputBox();
  let mode = initial;
  let includeLeftOver = false;
  const buttons: ContextButton[] = [];
  if (gathered.editor && !gathered.editor.selection.isEmpty)
    buttons.push({
      iconPath: new vscode.ThemeIcon('selection'),
      tooltip: 'Send the selection',
      mode: 'selection',
      includeLeftOver: true,
    });
  if (gathered.editor)
    buttons.push({
      iconPath: new vscode.ThemeIcon('file'),
      tooltip: 'Send the active file',
      mode: 'activeFile',
      includeLeftOver: false,
    });
  buttons.push({
    iconPath: new vscode.ThemeIcon('circle-slash'),
    tooltip: 'Send no code',
    mode: 'none',
    includeLeftOver,
  });
  const describe = () => {
    const choice = gathered.choose(mode, includeLeftOver);
    box.title = `Conduit: Ask · sends ${choice.label}`;
    box.prompt = `Sends ${choice.label}${choice.note ? ` (${choice.note})` : ''}. The buttons above change what is sent.`;
  };
  box.placeholder = 'Ask a question';
  box.ignoreFocusOut = true;
  box.buttons = buttons;
  describe();
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: { prompt: string; mode: AskContextMode; includeLeftOver: boolean } | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      box.dispose();
    };
    box.onDidTriggerButton((b) => {
      const picked = b as ContextButton;
      mode = picked.mode;
      includeLeftOver = picked.includeLeftOver;
      describe();
    });
    box.onDidAccept(() => finish({ prompt: box.value, mode, includeLeftOver }));
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}
