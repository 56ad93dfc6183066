import * as vscode from 'vscode';
import { checkedWebLink } from './linkCheck';

/**
 * Opens a link from an answer the way VS Code treats a link to an untrusted site: only http(s),
 * and only after the user saw the whole address and said yes. The page itself never navigates.
 */
export async function openWebLink(href: string): Promise<boolean> {
  const url = checkedWebLink(href);
  if (!url) {
    void vscode.window.showWarningMessage('Conduit: only web (http and https) links from an answer can be opened.');
    return false;
  }
  const choice = await vscode.window.showInformationMessage(
    'Do you want to open the external website?',
    { modal: true, detail: url.toString() },
    'Open',
    'Copy Link',
  );
  if (choice === 'Copy Link') await vscode.env.clipboard.writeText(url.toString());
  if (choice !== 'Open') return false;
  return vscode.env.openExternal(vscode.Uri.parse(url.toString(), true));
}
