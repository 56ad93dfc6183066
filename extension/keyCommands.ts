import * as vscode from 'vscode';
import { KeysRemoveRequest, KeysSetRequest, ProviderIds, type ProviderId } from '../protocol';
import type { DaemonConnection } from './daemonConnection';
import { call, describeError } from './rpc';

async function pickProvider(title: string, given?: ProviderId): Promise<ProviderId | undefined> {
  if (given) return given;
  const pick = await vscode.window.showQuickPick([...ProviderIds], { title, placeHolder: 'Provider' });
  return pick as ProviderId | undefined;
}

/**
 * Set API Key: the key goes from a password box straight to the daemon (`keys/set`), which keeps
 * it in the OS keychain. It is never written to settings and no reference to it is kept here.
 */
export async function setKeyCommand(
  daemon: DaemonConnection,
  args?: { provider?: ProviderId; key?: string },
): Promise<boolean> {
  const provider = await pickProvider('Conduit: Set API Key', args?.provider);
  if (!provider) return false;
  const entered =
    args?.key ??
    (await vscode.window.showInputBox({
      title: `Conduit: ${provider} API key`,
      prompt: 'Stored by the Conduit daemon in the OS keychain; never in settings.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length < 8 ? 'That is too short to be an API key.' : undefined),
    }));
  if (!entered) return false;
  try {
    const client = await daemon.get();
    const result = await call(client, KeysSetRequest.type, { provider, key: entered.trim() });
    const warn = result.warnings.length > 0 ? ` (${result.warnings.join('; ')})` : '';
    void vscode.window.showInformationMessage(
      `Conduit: the ${provider} key ending …${result.last4} is set for profile ${result.profile}${warn}.`,
    );
    return true;
  } catch (err) {
    void vscode.window.showErrorMessage(`Conduit: the ${provider} key was not set: ${describeError(err)}`);
    return false;
  }
}

export async function removeKeyCommand(daemon: DaemonConnection, args?: { provider?: ProviderId }): Promise<boolean> {
  const provider = await pickProvider('Conduit: Remove API Key', args?.provider);
  if (!provider) return false;
  if (!args?.provider) {
    const sure = await vscode.window.showWarningMessage(
      `Remove every stored ${provider} key from the keychain?`,
      { modal: true },
      'Remove',
    );
    if (sure !== 'Remove') return false;
  }
  try {
    const client = await daemon.get();
    const result = await call(client, KeysRemoveRequest.type, { provider });
    void vscode.window.showInformationMessage(
      `Conduit: removed ${result.removed} ${provider} key(s); ${result.remaining} left in profile ${result.profile}.`,
    );
    return true;
  } catch (err) {
    void vscode.window.showErrorMessage(`Conduit: the ${provider} key was not removed: ${describeError(err)}`);
    return false;
  }
}
