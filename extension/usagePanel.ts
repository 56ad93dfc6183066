import * as vscode from 'vscode';
import { nonce, strictCsp } from './webviewHtml';

/**
 * The usage & cost panel's host: for now it only loads the bundled webview (dist/webview.js)
 * under a strict CSP; the panel issue builds the panel itself.
 */
export class UsagePanel {
  private static current: vscode.WebviewPanel | undefined;

  static createOrShow(extensionUri: vscode.Uri): void {
    if (UsagePanel.current) {
      UsagePanel.current.reveal();
      return;
    }
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel('conduit.usage', 'Conduit: Usage & Cost', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [dist],
    });
    const n = nonce();
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js'));
    panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${strictCsp(panel.webview.cspSource, n)}">
</head><body><div id="root"></div><script nonce="${n}" src="${script.toString()}"></script></body></html>`;
    panel.onDidDispose(() => { UsagePanel.current = undefined; });
    UsagePanel.current = panel;
  }
}
