import * as vscode from 'vscode';
import { parseFromAnswerPage, type AnswerState, type FailureAction, type ToAnswerPage } from '../protocol/answerView';
import { answerHtml } from './answerHtml';
import { codeBlocks } from './codeBlocks';
import { openWebLink } from './webLinks';

export type { AnswerState } from '../protocol/answerView';

export interface AnswerActions {
  rate(requestId: string, rating: 1 | -1): void;
  /** Ask the same question again. */
  retry(): void;
  /** A failure's action other than Retry (Set API Key, Switch Provider, Show Logs, Show Usage). */
  act(action: Exclude<FailureAction, 'retry'>): void;
}

/**
 * The read-only answer beside the editor: one webview panel, reused by each Ask. The page renders
 * the answer's markdown with raw HTML off (webview/answer), and asks the extension for everything
 * else: rating, Retry, a failure's actions, copying or inserting a code block, opening a link.
 */
export class AnswerPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private state: AnswerState | undefined;
  private pending: NodeJS.Timeout | undefined;
  /** The editor Insert at Cursor writes into: the last text editor that was active. */
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly actions: AnswerActions,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e) this.lastEditor = e;
      }),
    );
  }

  /** Opens (or reveals) the panel beside the editor with a new question. */
  show(question: string, context: string): void {
    this.state = { question, context, text: '', footer: '', done: false, requestId: '', rated: 0 };
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'conduit.answer',
        'Conduit Answer',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        {
          enableScripts: true,
          retainContextWhenHidden: true,
          localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')],
        },
      );
      this.panel.webview.html = answerHtml(this.panel.webview, this.extensionUri);
      this.panel.onDidDispose(
        () => {
          this.panel = undefined;
        },
        null,
        this.disposables,
      );
      this.panel.webview.onDidReceiveMessage((m: unknown) => this.received(m), null, this.disposables);
    } else {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
    }
    this.flush();
  }

  update(change: Partial<AnswerState>, immediate = false): void {
    if (!this.state) return;
    this.state = { ...this.state, ...change };
    // Streams send many small chunks; one render per frame or so is plenty.
    if (immediate) this.flush();
    else this.pending ??= setTimeout(() => this.flush(), 50);
  }

  get current(): AnswerState | undefined {
    return this.state;
  }

  private post(message: ToAnswerPage): void {
    if (this.panel) void this.panel.webview.postMessage(message);
  }

  private flush(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    if (this.state) this.post({ type: 'state', state: this.state });
  }

  private received(raw: unknown): void {
    const message = parseFromAnswerPage(raw);
    if (!message) return;
    switch (message.type) {
      case 'ready':
        this.flush();
        return;
      case 'retry':
        if (this.state?.done) this.actions.retry();
        return;
      case 'action':
        if (!this.state?.done) return;
        if (message.action === 'retry') this.actions.retry();
        else this.actions.act(message.action);
        return;
      case 'rate':
        if (this.state?.requestId && this.state.done && !this.state.failure) {
          this.update({ rated: message.rating }, true);
          this.actions.rate(this.state.requestId, message.rating);
        }
        return;
      case 'copy':
        void this.copy(message.index);
        return;
      case 'insert':
        void this.insert(message.index);
        return;
      case 'openLink':
        void openWebLink(message.href);
        return;
    }
  }

  /** The code of block `index`, from the extension's own copy of the answer, not the page's. */
  private block(index: number): string | undefined {
    return this.state ? codeBlocks(this.state.text)[index] : undefined;
  }

  private async copy(index: number): Promise<void> {
    const code = this.block(index);
    if (code === undefined) return;
    await vscode.env.clipboard.writeText(code);
    this.post({ type: 'copied', index });
  }

  private async insert(index: number): Promise<void> {
    const code = this.block(index);
    if (code === undefined) return;
    const editor = this.lastEditor;
    if (!editor || editor.document.isClosed) {
      void vscode.window.showInformationMessage('Conduit: open an editor to insert the code into.');
      return;
    }
    const shown = await vscode.window.showTextDocument(editor.document, editor.viewColumn ?? vscode.ViewColumn.One);
    await shown.edit((edit) => {
      for (const s of shown.selections) edit.replace(s, code);
    });
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
