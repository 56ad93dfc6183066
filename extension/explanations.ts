import * as vscode from 'vscode';
import type { DaemonConnection } from './daemonConnection';
import { explainRequest } from './explainPrompt';
import type { ExplainedSelections } from './explainedSelections';
import type { FailureNotifier } from './failureNotifier';
import { classifyError } from './failureView';
import { describeError, isCancelled } from './rpc';
import { providerOfWindow } from './settingsSync';
import { ExplanationCache, isStale, symbolHash } from './symbolHash';
import { takesPlaceOf } from './threadPlacement';
import { ConduitError } from '../protocol';

/** Where to explain, for the CodeLens, the code action and tests; the palette uses the selection. */
export interface ExplainArgs {
  uri: vscode.Uri;
  range: vscode.Range;
}

/** What tests (through the extension's exports) can see of an explanation. */
export interface ExplanationInfo {
  uri: string;
  startLine: number;
  hash: string;
  text: string;
  stale: boolean;
  done: boolean;
  fromCache: boolean;
}

/** An "explaining…" thread waiting for its answer. */
export interface Placeholder {
  range: vscode.Range;
  thread: vscode.CommentThread;
}

interface Shown {
  thread: vscode.CommentThread;
  hash: string;
  languageId: string;
  text: string;
  done: boolean;
  stale: boolean;
  fromCache: boolean;
  cancel: AbortController;
}

/**
 * Inline explanations: a comment thread on the explained range (Comments API), streamed into,
 * dismissable, cached by the code's content hash, and labelled stale once that code changes.
 */
export class Explanations implements vscode.Disposable {
  private readonly controller = vscode.comments.createCommentController('conduit.explanations', 'Conduit Explanations');
  private readonly cache = new ExplanationCache();
  private readonly shown = new Set<Shown>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly daemon: DaemonConnection,
    private readonly onDone: () => void,
    private readonly notices?: FailureNotifier,
    private readonly explained?: ExplainedSelections,
  ) {
    this.controller.options = { placeHolder: 'Explanations are read-only', prompt: 'Conduit explanation' };
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.markStale(e.document)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc.uri)),
    );
  }

  /** Explains `args`, or the active editor's selection (the current line when nothing is selected). */
  async explain(args?: ExplainArgs): Promise<ExplanationInfo | undefined> {
    const target = await this.target(args);
    if (!target) {
      void vscode.window.showInformationMessage('Conduit: select the code to explain first.');
      return undefined;
    }
    const { doc, range } = target;
    const code = doc.getText(range);
    if (!code.trim()) {
      void vscode.window.showInformationMessage('Conduit: the selection is empty.');
      return undefined;
    }
    if (target.fromSelection) this.explained?.remember(doc.uri, range);
    const shown = this.open(doc, range, symbolHash(code, doc.languageId));
    const thread = shown.thread;
    await this.reveal(doc, range);

    const cached = this.cache.get(code, doc.languageId);
    if (cached) {
      Object.assign(shown, { text: cached.text, done: true, fromCache: true });
      this.render(shown, `${cached.model} · from this window's cache`);
      return this.info(shown);
    }
    this.render(shown, 'explaining…');
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Conduit is explaining…', cancellable: true },
      async (_p, token) => {
        const sub = token.onCancellationRequested(() => shown.cancel.abort());
        let pending: NodeJS.Timeout | undefined;
        try {
          const client = await this.daemon.get();
          const result = await client.chat(
            // This window's provider: a workspace value steers this window's requests only.
            { ...explainRequest(code, doc.languageId), stream: true, ...providerOfWindow() },
            {
              signal: shown.cancel.signal,
              onChunk: (chunk) => {
                shown.text += chunk.delta;
                pending ??= setTimeout(() => {
                  pending = undefined;
                  if (!shown.done) this.render(shown, 'explaining…');
                }, 80);
              },
            },
          );
          shown.text = result.text;
          shown.done = true;
          const model = `${result.provider}/${result.model}`;
          this.cache.set({
            hash: shown.hash,
            text: result.text,
            model,
            requestId: result.requestId,
            createdAt: Date.now(),
          });
          this.render(shown, `${model}${result.cache !== 'none' ? ` · cached (${result.cache})` : ''}`);
          this.notices?.succeeded();
        } catch (err) {
          shown.done = true;
          if (isCancelled(err)) this.dismiss(thread);
          else {
            shown.text = `**Could not explain this code:** ${describeError(err)}`;
            this.render(shown, 'failed');
            const failure = classifyError(
              err instanceof ConduitError ? err.data : { code: 'internal', message: describeError(err) },
            );
            if (failure) this.notices?.failed(failure, 'Explain', () => void this.explain({ uri: doc.uri, range }));
          }
        } finally {
          if (pending) clearTimeout(pending);
          sub.dispose();
          this.onDone();
        }
      },
    );
    return this.shown.has(shown) ? this.info(shown) : undefined;
  }

  /**
   * Shows an explanation that was written elsewhere (a batch, or one of many run at once) the
   * way a single one appears. `hash` is the code's hash when it was sent: code edited since
   * gets the explanation labelled stale rather than silently wrong.
   */
  present(
    doc: vscode.TextDocument,
    range: vscode.Range,
    hash: string,
    text: string,
    note: string,
    opts: { failed?: boolean; model?: string; requestId?: string } = {},
  ): ExplanationInfo {
    const shown = this.open(doc, range, hash);
    Object.assign(shown, { text, done: true });
    if (!opts.failed && opts.model)
      this.cache.set({ hash, text, model: opts.model, requestId: opts.requestId ?? '', createdAt: Date.now() });
    shown.stale = !opts.failed && isStale(hash, doc.getText(range), doc.languageId);
    this.render(shown, shown.stale ? `${note} · stale: the code changed since it was sent` : note);
    return this.info(shown);
  }

  /**
   * Explain All's threads before their answers: one "explaining…" thread per range at once, and
   * the first in the file brought into view, as a single Explain does. Each is replaced by its
   * answer (present); the caller dismisses those that never get one (a cancel).
   */
  async placeholders(
    doc: vscode.TextDocument,
    targets: { range: vscode.Range; hash: string }[],
  ): Promise<Placeholder[]> {
    const out = targets.map(({ range, hash }) => {
      const shown = this.open(doc, range, hash);
      this.render(shown, 'explaining…');
      return { range, thread: shown.thread };
    });
    const first = [...targets].sort((a, b) => a.range.start.compareTo(b.range.start))[0];
    if (first) await this.reveal(doc, first.range);
    return out;
  }

  /** Brings a range's thread into view, e.g. the first of a batch's explanations when they arrive. */
  revealThread(doc: vscode.TextDocument, range: vscode.Range): Promise<void> {
    return this.reveal(doc, range);
  }

  /**
   * A fresh thread on the range. One thread per symbol: an explanation of the same code (the same
   * first or last line, see takesPlaceOf) replaces the one there, from Explain Selection or Explain All.
   */
  private open(doc: vscode.TextDocument, range: vscode.Range, hash: string): Shown {
    const fresh = { startLine: range.start.line, endLine: range.end.line };
    for (const s of [...this.shown]) {
      const r = s.thread.range;
      if (s.thread.uri.toString() !== doc.uri.toString() || !r) continue;
      if (takesPlaceOf(fresh, { startLine: r.start.line, endLine: r.end.line })) this.dismiss(s.thread);
    }
    const thread = this.controller.createCommentThread(doc.uri, range, []);
    thread.canReply = false;
    thread.contextValue = 'conduitExplanation';
    thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
    const shown: Shown = {
      thread,
      hash,
      languageId: doc.languageId,
      text: '',
      done: false,
      stale: false,
      fromCache: false,
      cancel: new AbortController(),
    };
    this.shown.add(shown);
    return shown;
  }

  dismiss(thread: vscode.CommentThread): void {
    for (const s of this.shown) {
      if (s.thread === thread) {
        s.cancel.abort();
        this.shown.delete(s);
      }
    }
    thread.dispose();
  }

  /** A placeholder that no answer replaced: gone. An answered thread stays. */
  dismissIfWaiting(thread: vscode.CommentThread): void {
    for (const s of this.shown) if (s.thread === thread && !s.done) this.dismiss(thread);
  }

  dismissAll(): void {
    for (const s of [...this.shown]) this.dismiss(s.thread);
  }

  list(): ExplanationInfo[] {
    return [...this.shown].map((s) => this.info(s));
  }

  private info(s: Shown): ExplanationInfo {
    return {
      uri: s.thread.uri.toString(),
      startLine: s.thread.range?.start.line ?? 0,
      hash: s.hash,
      text: s.text,
      stale: s.stale,
      done: s.done,
      fromCache: s.fromCache,
    };
  }

  private render(s: Shown, note: string): void {
    s.thread.label = s.stale ? 'Conduit explanation (stale: the code changed since)' : 'Conduit explanation';
    const body = new vscode.MarkdownString(`${s.text || '…'}\n\n---\n_${note}_`);
    s.thread.comments = [
      { body, mode: vscode.CommentMode.Preview, author: { name: 'Conduit' }, contextValue: 'conduitExplanation' },
    ];
  }

  private markStale(doc: vscode.TextDocument): void {
    for (const s of this.shown) {
      const range = s.thread.range;
      if (s.stale || !s.done || !range || s.thread.uri.toString() !== doc.uri.toString()) continue;
      if (isStale(s.hash, doc.getText(range), s.languageId)) {
        s.stale = true;
        this.render(s, 'stale: explain again to refresh');
      }
    }
  }

  private forget(uri: vscode.Uri): void {
    for (const s of [...this.shown]) if (s.thread.uri.toString() === uri.toString()) this.dismiss(s.thread);
  }

  /**
   * Brings the new thread into view: its editor (opened beside nothing, focus kept where it is)
   * scrolled so the thread, which opens under the range's last line, is on screen.
   */
  private async reveal(doc: vscode.TextDocument, range: vscode.Range): Promise<void> {
    const editor =
      vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === doc.uri.toString()) ??
      (await vscode.window.showTextDocument(doc, { preserveFocus: true, preview: true }));
    const end = new vscode.Range(range.end, range.end);
    editor.revealRange(end, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async target(
    args?: ExplainArgs,
  ): Promise<{ doc: vscode.TextDocument; range: vscode.Range; fromSelection: boolean } | undefined> {
    if (args?.uri && args.range) {
      const uri = typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri;
      const doc = await vscode.workspace.openTextDocument(uri);
      const r = args.range;
      return {
        doc,
        range: doc.validateRange(new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character)),
        fromSelection: false,
      };
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    const sel = editor.selection;
    const range = sel.isEmpty ? editor.document.lineAt(sel.active.line).range : new vscode.Range(sel.start, sel.end);
    return { doc: editor.document, range, fromSelection: !sel.isEmpty };
  }

  dispose(): void {
    this.dismissAll();
    this.controller.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
