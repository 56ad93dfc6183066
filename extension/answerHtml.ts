import * as vscode from 'vscode';
import { answerPageHtml } from './answerPageHtml';
import { nonce } from './webviewHtml';

/**
 * The answer panel's page: a shell that loads dist/answer.js and dist/answer.css (with the
 * codicon font) under the usage panel's strict CSP: no inline script or style, no eval, no
 * remote images, fonts or connections.
 */
export function answerHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  return answerPageHtml({
    cspSource: webview.cspSource,
    nonce: nonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'answer.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'answer.css')).toString(),
  });
}
