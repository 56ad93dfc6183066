import * as vscode from 'vscode';
import { nonce, strictCsp } from './webviewHtml';

/** What the answer view shows; sent whole on every update, so a late-loading page misses nothing. */
export interface AnswerState {
  question: string;
  /** e.g. "with the selection from main.ts". */
  context: string;
  text: string;
  /** Model, cost, cache, fallbacks; empty while streaming. */
  footer: string;
  error: string;
  done: boolean;
  requestId: string;
  rated: 0 | 1 | -1;
}

type FromPage = { type: 'ready' } | { type: 'rate'; rating: 1 | -1 } | { type: 'retry' };

function isFromPage(value: unknown): value is FromPage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { type?: unknown; rating?: unknown };
  return v.type === 'ready' || v.type === 'retry' || (v.type === 'rate' && (v.rating === 1 || v.rating === -1));
}

export interface AnswerActions {
  rate(requestId: string, rating: 1 | -1): void;
  /** Ask the same question again. */
  retry(): void;
}

/**
 * The read-only answer beside the editor: one webview panel, reused by each Ask. The page only
 * renders text (no HTML from the model reaches the DOM as markup) and offers thumbs up/down and
 * Retry.
 */
export class AnswerPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private state: AnswerState | undefined;
  private pending: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly actions: AnswerActions) {}

  /** Opens (or reveals) the panel beside the editor with a new question. */
  show(question: string, context: string): void {
    this.state = { question, context, text: '', footer: '', error: '', done: false, requestId: '', rated: 0 };
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        'conduit.answer',
        'Conduit Answer',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        {
          enableScripts: true,
          retainContextWhenHidden: true,
          localResourceRoots: [],
        },
      );
      this.panel.webview.html = page(this.panel.webview.cspSource);
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

  private flush(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
    if (this.panel && this.state) void this.panel.webview.postMessage({ type: 'state', state: this.state });
  }

  private received(message: unknown): void {
    if (!isFromPage(message)) return;
    if (message.type === 'ready') this.flush();
    else if (message.type === 'retry') {
      if (this.state?.done) this.actions.retry();
    } else if (this.state?.requestId && this.state.done) {
      this.update({ rated: message.rating }, true);
      this.actions.rate(this.state.requestId, message.rating);
    }
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function page(cspSource: string): string {
  const n = nonce();
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${strictCsp(cspSource, n)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${n}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 16px; line-height: 1.5; }
#question { font-weight: 600; margin-top: 12px; }
#context, #footer { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
#answer { white-space: pre-wrap; word-wrap: break-word; margin: 12px 0; }
#answer pre { background: var(--vscode-textCodeBlock-background); padding: 8px; overflow-x: auto; white-space: pre; }
#error { color: var(--vscode-errorForeground); white-space: pre-wrap; }
#rate button { background: none; border: 1px solid var(--vscode-button-border, transparent); color: inherit; cursor: pointer; font-size: 1.1em; }
#rate button.chosen { background: var(--vscode-button-background); color: var(--vscode-button-foreground); }
.hidden { display: none; }
</style></head><body>
<div id="question"></div><div id="context"></div>
<div id="answer" aria-live="polite"></div>
<div id="error"></div>
<div id="footer"></div>
<div id="rate" class="hidden"><button id="up" title="Good answer" aria-label="Good answer">👍</button> <button id="down" title="Bad answer" aria-label="Bad answer">👎</button> <button id="retry" title="Ask the same question again" aria-label="Retry">Retry</button></div>
<script nonce="${n}">
(function () {
  const vscode = acquireVsCodeApi();
  const $ = (id) => document.getElementById(id);
  // Text only: fenced code becomes <pre>, everything else a text node.
  function renderAnswer(el, text) {
    el.replaceChildren();
    const parts = text.split(/\`\`\`[^\\n]*\\n?/);
    parts.forEach((part, i) => {
      if (i % 2 === 1) { const pre = document.createElement('pre'); pre.textContent = part; el.appendChild(pre); }
      else el.appendChild(document.createTextNode(part));
    });
  }
  function render(s) {
    $('question').textContent = s.question;
    $('context').textContent = s.context;
    renderAnswer($('answer'), s.text || (s.done || s.error ? '' : '…'));
    $('error').textContent = s.error;
    $('footer').textContent = s.footer;
    $('rate').classList.toggle('hidden', !s.done);
    $('up').classList.toggle('hidden', !(s.requestId && !s.error));
    $('down').classList.toggle('hidden', !(s.requestId && !s.error));
    $('up').classList.toggle('chosen', s.rated === 1);
    $('down').classList.toggle('chosen', s.rated === -1);
    document.body.dataset.done = String(s.done);
    vscode.setState(s);
  }
  window.addEventListener('message', (e) => { if (e.data && e.data.type === 'state') render(e.data.state); });
  $('up').addEventListener('click', () => vscode.postMessage({ type: 'rate', rating: 1 }));
  $('down').addEventListener('click', () => vscode.postMessage({ type: 'rate', rating: -1 }));
  $('retry').addEventListener('click', () => vscode.postMessage({ type: 'retry' }));
  const saved = vscode.getState();
  if (saved) render(saved);
  vscode.postMessage({ type: 'ready' });
})();
</script></body></html>`;
}
