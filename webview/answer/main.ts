import type { AnswerState, FailureAction, FromAnswerPage, ToAnswerPage } from '../../protocol/answerView';
import { renderMarkdown } from './markdown';

/** What VS Code gives the page; acquireVsCodeApi may be called once. */
interface AnswerApi {
  postMessage(message: FromAnswerPage): void;
  getState(): AnswerState | undefined;
  setState(state: AnswerState): void;
}
declare function acquireVsCodeApi(): AnswerApi;

const vscode = acquireVsCodeApi();
const $ = (id: string) => document.getElementById(id)!;

const ACTION_LABELS: Record<FailureAction, [string, string]> = {
  retry: ['Retry', 'refresh'],
  switchProvider: ['Switch Provider', 'arrow-swap'],
  setApiKey: ['Set API Key', 'key'],
  showLogs: ['Show Logs', 'output'],
  showUsage: ['Show Usage', 'graph'],
};

function icon(name: string): HTMLElement {
  const i = document.createElement('i');
  i.className = `codicon codicon-${name}`;
  i.setAttribute('aria-hidden', 'true');
  return i;
}

function renderFailure(s: AnswerState): void {
  const box = $('failure');
  const f = s.failure;
  box.hidden = !f;
  box.replaceChildren();
  if (!f) return;
  box.className = `failure ${f.severity}`;
  box.dataset.severity = f.severity;
  const head = document.createElement('div');
  head.className = 'failure-title';
  head.append(icon(f.severity === 'error' ? 'error' : 'warning'), document.createTextNode(` ${f.title}`));
  const detail = document.createElement('div');
  detail.className = 'failure-detail';
  detail.textContent = f.detail;
  const actions = document.createElement('div');
  actions.className = 'failure-actions';
  for (const a of f.actions) {
    const [label, codicon] = ACTION_LABELS[a];
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.failureAction = a;
    b.append(icon(codicon), document.createTextNode(` ${label}`));
    b.disabled = !s.done;
    actions.append(b);
  }
  box.append(head, detail, actions);
}

let lastText: string | undefined;

function render(s: AnswerState): void {
  $('question').textContent = s.question;
  $('context').textContent = s.context ? `Sent: ${s.context}` : '';
  const answer = $('answer');
  const text = s.text || (s.done || s.failure ? '' : '…');
  // Raw HTML is off and links are checked in renderMarkdown: the string holds no markup of the model's.
  if (text !== lastText) answer.innerHTML = renderMarkdown(text);
  lastText = text;
  renderFailure(s);
  $('footer').textContent = s.footer;
  const rateable = s.done && !!s.requestId && !s.failure;
  $('rate').hidden = !rateable;
  $('up').classList.toggle('chosen', s.rated === 1);
  $('down').classList.toggle('chosen', s.rated === -1);
  $('up').querySelector('i')!.className = `codicon codicon-${s.rated === 1 ? 'thumbsup-filled' : 'thumbsup'}`;
  $('down').querySelector('i')!.className = `codicon codicon-${s.rated === -1 ? 'thumbsdown-filled' : 'thumbsdown'}`;
  // The failure box has its own Retry.
  $('retry').hidden = !s.done || !!s.failure?.actions.includes('retry');
  document.body.dataset.done = String(s.done);
  document.body.dataset.requestId = s.requestId;
  document.body.dataset.state = s.failure ? s.failure.severity : s.done ? 'answered' : 'streaming';
  vscode.setState(s);
}

function copied(index: number): void {
  const button = document.querySelector<HTMLButtonElement>(`button[data-action="copy"][data-index="${index}"]`);
  const i = button?.querySelector('i');
  if (!button || !i) return;
  i.className = 'codicon codicon-check';
  button.dataset.copied = 'true';
  button.setAttribute('aria-label', 'Copied');
  setTimeout(() => {
    i.className = 'codicon codicon-copy';
    delete button.dataset.copied;
    button.setAttribute('aria-label', 'Copy code');
  }, 2000);
}

window.addEventListener('message', (e: MessageEvent<ToAnswerPage>) => {
  const m = e.data;
  if (m?.type === 'state') render(m.state);
  else if (m?.type === 'copied') copied(m.index);
});

// The page never navigates: a link goes to the extension, which checks it and asks before opening.
document.addEventListener('click', (e) => {
  const target = e.target instanceof Element ? e.target : null;
  const link = target?.closest('a');
  if (link) {
    e.preventDefault();
    const href = link.getAttribute('href');
    if (href) vscode.postMessage({ type: 'openLink', href });
    return;
  }
  const code = target?.closest<HTMLButtonElement>('button[data-action]');
  if (code) {
    const index = Number(code.dataset.index);
    if (code.dataset.action === 'copy') vscode.postMessage({ type: 'copy', index });
    if (code.dataset.action === 'insert') vscode.postMessage({ type: 'insert', index });
    return;
  }
  const action = target?.closest<HTMLButtonElement>('button[data-failure-action]');
  if (action) vscode.postMessage({ type: 'action', action: action.dataset.failureAction as FailureAction });
});
$('up').addEventListener('click', () => vscode.postMessage({ type: 'rate', rating: 1 }));
$('down').addEventListener('click', () => vscode.postMessage({ type: 'rate', rating: -1 }));
$('retry').addEventListener('click', () => vscode.postMessage({ type: 'retry' }));

const saved = vscode.getState();
if (saved) render(saved);
vscode.postMessage({ type: 'ready' });
