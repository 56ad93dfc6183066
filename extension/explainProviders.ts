import * as vscode from 'vscode';
import type { ExplainArgs } from './explanations';

const EXPLAINABLE = new Set([
  vscode.SymbolKind.Function,
  vscode.SymbolKind.Method,
  vscode.SymbolKind.Class,
  vscode.SymbolKind.Constructor,
  vscode.SymbolKind.Interface,
]);

/** The functions, methods, classes and interfaces of a document, from the language's own symbols, nested ones included. */
export async function explainableSymbols(doc: vscode.TextDocument): Promise<{ name: string; range: vscode.Range }[]> {
  const symbols = await vscode.commands.executeCommand<
    (vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined
  >('vscode.executeDocumentSymbolProvider', doc.uri);
  const out: { name: string; range: vscode.Range }[] = [];
  const visit = (list: readonly (vscode.DocumentSymbol | vscode.SymbolInformation)[]) => {
    for (const s of list) {
      if (EXPLAINABLE.has(s.kind)) out.push({ name: s.name, range: 'range' in s ? s.range : s.location.range });
      if ('children' in s) visit(s.children);
    }
  };
  visit(symbols ?? []);
  return out;
}

/** "Explain" above each function and class, from the language's own document symbols. */
export class ExplainCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.getConfiguration('conduit', doc).get<boolean>('explain.codeLens', true)) return [];
    const symbols = await explainableSymbols(doc);
    if (token.isCancellationRequested) return [];
    return symbols.map(({ name, range }) => {
      const args: ExplainArgs = { uri: doc.uri, range };
      return new vscode.CodeLens(new vscode.Range(range.start, range.start), {
        title: 'Explain',
        tooltip: `Explain ${name} with Conduit`,
        command: 'conduit.explainSelection',
        arguments: [args],
      });
    });
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
