import * as vscode from 'vscode';
import { panelCsp } from './panelCsp';
import { nonce } from './webviewHtml';

/**
 * The answer panel's page: a shell that loads dist/answer.js and dist/answer.css (with the
 * codicon font) under the usage panel's strict CSP: no inline script or style, no eval, no
 * remote images, fonts or connections.
 */
export function answerHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const n = nonce();
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'answer.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'answer.css'));
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${panelCsp(webview.cspSource, n)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Conduit Answer</title>
</head><body>
<div id="question"></div><div id="context"></div>
<div id="failure" role="alert" hidden></div>
<div id="answer" aria-live="polite"></div>
<div id="footer"></div>
<div id="rate" hidden>
<button type="button" id="up" title="Good answer" aria-label="Good answer"><i class="codicon codicon-thumbsup" aria-hidden="true"></i></button>
<button type="button" id="down" title="Bad answer" aria-label="Bad answer"><i class="codicon codicon-thumbsdown" aria-hidden="true"></i></button>
</div>
<button type="button" id="retry" title="Ask the same question again" hidden><i class="codicon codicon-refresh" aria-hidden="true"></i> Retry</button>
<script nonce="${n}" src="${script.toString()}"></script></body></html>`;
}
