import * as vscode from 'vscode';
import { panelCsp } from './panelCsp';
import { nonce } from './webviewHtml';

/** The usage panel's page: an empty shell that loads dist/webview.js and dist/webview.css (see panelCsp). */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const n = nonce();
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css'));
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${panelCsp(webview.cspSource, n)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Conduit: Usage &amp; Cost</title>
</head><body><main id="root" aria-busy="true"></main><script nonce="${n}" src="${script.toString()}"></script></body></html>`;
}
