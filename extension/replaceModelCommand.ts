import * as vscode from 'vscode';
import { ProviderIds, type ProviderId } from '../protocol';
import { withReplacedModel } from './modelReplacement';

export interface ReplaceModelArgs {
  provider: ProviderId;
  model: string;
  replacement: string;
}

/**
 * The status bar tooltip's "Switch to …" link: swaps a retiring model for its replacement in
 * `conduit.models`, in the scope where the user named it. When no setting names it (it comes from
 * config.json or the catalogue), it opens the setting and says what to put there.
 */
export async function replaceModelCommand(args?: Partial<ReplaceModelArgs>): Promise<boolean> {
  if (
    !args ||
    !ProviderIds.includes(args.provider as ProviderId) ||
    typeof args.model !== 'string' ||
    typeof args.replacement !== 'string'
  )
    return false;
  const { provider, model, replacement } = args as ReplaceModelArgs;
  const config = vscode.workspace.getConfiguration('conduit');
  const inspected = config.inspect<unknown>('models');
  const scopes: [unknown, vscode.ConfigurationTarget][] = [
    [inspected?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder],
    [inspected?.workspaceValue, vscode.ConfigurationTarget.Workspace],
    [inspected?.globalValue, vscode.ConfigurationTarget.Global],
  ];
  for (const [value, target] of scopes) {
    const next = withReplacedModel(value, provider, model, replacement);
    if (!next) continue;
    await config.update('models', next, target);
    void vscode.window.showInformationMessage(`Conduit: ${provider} now uses ${replacement} instead of ${model}.`);
    return true;
  }
  void vscode.window
    .showWarningMessage(
      `Conduit: ${provider}/${model} is not named in conduit.models (it comes from config.json or the built-in defaults). Set "conduit.models": { "${provider}": "${replacement}" } or one model per tier.`,
      'Open Settings',
    )
    .then((c) => c && vscode.commands.executeCommand('workbench.action.openSettings', 'conduit.models'));
  return false;
}
