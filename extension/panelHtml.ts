import * as vscode from 'vscode';
import type { PanelSnapshot } from '../protocol/webview';
import { panelPageHtml } from './panelPageHtml';
import { nonce } from './webviewHtml';

/**
 * The usage panel's page: dist/webview.js and dist/webview.css under the strict CSP (panelCsp),
 * with the first snapshot's cards already in it when the extension had it in time.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, first?: PanelSnapshot): string {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  return panelPageHtml({
    cspSource: webview.cspSource,
    nonce: nonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    ...(first ? { first } : {}),
  });
}
