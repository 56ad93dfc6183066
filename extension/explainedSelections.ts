import type * as vscode from 'vscode';

/**
 * The selections Explain has used. A selection still sitting where Explain left it was chosen for
 * that explanation, not for the next question, so Ask does not send it unless asked to.
 */
export class ExplainedSelections {
  private readonly explained = new Map<string, vscode.Range>();

  remember(uri: vscode.Uri, range: vscode.Range): void {
    this.explained.set(uri.toString(), range);
  }

  isLeftOver(editor: vscode.TextEditor): boolean {
    const range = this.explained.get(editor.document.uri.toString());
    return range !== undefined && !editor.selection.isEmpty && range.isEqual(editor.selection);
  }
}
