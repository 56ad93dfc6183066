import * as vscode from 'vscode';
import type { ExplainArgs } from './explanations';

const EXPLAINABLE = new Set([vscode.SymbolKind.Function, vscode.SymbolKind.Method, vscode.SymbolKind.Class, vscode.SymbolKind.Constructor, vscode.SymbolKind.Interface]);

/** "Explain" above each function and class, from the language's own document symbols. */
export class ExplainCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.getConfiguration('conduit', doc).get<boolean>('explain.codeLens', true)) return [];
    const symbols = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>('vscode.executeDocumentSymbolProvider', doc.uri);
    if (!symbols || token.isCancellationRequested) return [];
    const lenses: vscode.CodeLens[] = [];
    const visit = (list: readonly (vscode.DocumentSymbol | vscode.SymbolInformation)[]) => {
      for (const s of list) {
        const range = 'range' in s ? s.range : s.location.range;
        if (EXPLAINABLE.has(s.kind)) {
          const args: ExplainArgs = { uri: doc.uri, range };
          lenses.push(new vscode.CodeLens(new vscode.Range(range.start, range.start), { title: 'Explain', tooltip: `Explain ${s.name} with Conduit`, command: 'conduit.explainSelection', arguments: [args] }));
        }
        if ('children' in s) visit(s.children);
      }
    };
    visit(symbols);
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** "Explain with Conduit" in the lightbulb for a selection. */
export class ExplainCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kind = vscode.CodeActionKind.QuickFix.append('conduit.explain');

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    if (range.isEmpty) return [];
    const action = new vscode.CodeAction('Explain with Conduit', ExplainCodeActionProvider.kind);
    const args: ExplainArgs = { uri: doc.uri, range: new vscode.Range(range.start, range.end) };
    action.command = { title: 'Explain with Conduit', command: 'conduit.explainSelection', arguments: [args] };
    return [action];
  }
}
