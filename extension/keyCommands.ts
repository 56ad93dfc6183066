import * as vscode from 'vscode';
import {
  ConduitError,
  KeysListRequest,
  KeysRemoveRequest,
  KeysSetRequest,
  ProviderIds,
  type KeychainState,
  type ProviderId,
} from '../protocol';
import type { DaemonConnection } from './daemonConnection';
import { call, describeError } from './rpc';
import { WindowKeys } from './windowKeys';

/** Where Set API Key keeps a key: the daemon's OS keychain, or this VS Code's SecretStorage. */
export type KeyStore = 'keychain' | 'secretStorage';

export interface SetKeyArgs {
  provider?: ProviderId;
  key?: string;
  /** Skips the keychain check (tests, or a caller that already knows). */
  store?: KeyStore;
}

const USE_SECRET_STORAGE = 'Use VS Code Secret Storage';
const SHOW_DETAILS = 'Show Details';

async function pickProvider(title: string, given?: ProviderId): Promise<ProviderId | undefined> {
  if (given) return given;
  const pick = await vscode.window.showQuickPick([...ProviderIds], { title, placeHolder: 'Provider' });
  return pick as ProviderId | undefined;
}

/** Short messages with buttons; the details (D-Bus text and the like) go to the log. */
function logOf(): vscode.LogOutputChannel | undefined {
  return WindowKeys.get()?.log;
}

async function showFailure(message: string, detail: string): Promise<void> {
  logOf()?.error(`${message} ${detail}`);
  const choice = await vscode.window.showErrorMessage(`Conduit: ${message}`, 'Show Logs');
  if (choice === 'Show Logs') logOf()?.show(true);
}

/** Asks until the user decides; "Show Details" opens the log and asks again, so the typed key is kept. */
async function offerSecretStorage(message: string): Promise<boolean> {
  for (;;) {
    const choice = await vscode.window.showWarningMessage(`Conduit: ${message}`, USE_SECRET_STORAGE, SHOW_DETAILS);
    if (choice !== SHOW_DETAILS) return choice === USE_SECRET_STORAGE;
    logOf()?.show(true);
  }
}

async function keychainState(daemon: DaemonConnection): Promise<KeychainState> {
  return (await call(await daemon.get(), KeysListRequest.type, {})).keychain;
}

/**
 * Set API Key. The daemon is asked first whether it can reach the OS keychain; where it cannot
 * (code-server, remote, headless), VS Code's SecretStorage is offered before the key is typed.
 * A typed key is never thrown away: if the keychain refuses it, SecretStorage is offered next.
 * The key is never written to settings and no reference to it is kept here.
 */
export async function setKeyCommand(daemon: DaemonConnection, args?: SetKeyArgs): Promise<boolean> {
  const provider = await pickProvider('Conduit: Set API Key', args?.provider);
  if (!provider) return false;
  let store = args?.store;
  if (!store) {
    let keychain: KeychainState;
    try {
      keychain = await keychainState(daemon);
    } catch (err) {
      await showFailure(`the ${provider} key was not set: the daemon is not available.`, describeError(err));
      return false;
    }
    store = 'keychain';
    if (!keychain.available) {
      logOf()?.warn(
        `The daemon cannot use the OS keychain (${keychain.store}): ${keychain.problem ?? 'no reason given'}`,
      );
      if (
        !(await offerSecretStorage(`the OS keychain cannot be used here. Keep the ${provider} key in VS Code instead?`))
      )
        return false;
      store = 'secretStorage';
    }
  }
  const entered =
    args?.key ??
    (await vscode.window.showInputBox({
      title: `Conduit: ${provider} API key`,
      prompt:
        store === 'keychain'
          ? 'Stored by the Conduit daemon in the OS keychain; never in settings.'
          : "Kept in VS Code's secret storage and handed to the daemon while a window is open; never in settings.",
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length < 8 ? 'That is too short to be an API key.' : undefined),
    }));
  if (!entered) return false;
  const key = entered.trim();
  if (store === 'keychain') {
    try {
      const result = await call(await daemon.get(), KeysSetRequest.type, { provider, key });
      const warn = result.warnings.length > 0 ? ` (${result.warnings.join('; ')})` : '';
      void vscode.window.showInformationMessage(`Conduit: the ${provider} key …${result.last4} is set${warn}.`);
      return true;
    } catch (err) {
      if (!(err instanceof ConduitError && err.code === 'keychain_unavailable')) {
        await showFailure(`the ${provider} key was not set.`, describeError(err));
        return false;
      }
      logOf()?.error(`The OS keychain did not store the ${provider} key: ${describeError(err)}`);
      if (
        !(await offerSecretStorage(`the OS keychain could not store the ${provider} key. Keep it in VS Code instead?`))
      )
        return false;
    }
  }
  return storeInSecretStorage(provider, key);
}

async function storeInSecretStorage(provider: ProviderId, key: string): Promise<boolean> {
  const keys = WindowKeys.get();
  if (!keys) return false;
  try {
    const result = await keys.store(provider, key);
    const warn = result.warnings.length > 0 ? ` (${result.warnings.join('; ')})` : '';
    void vscode.window.showInformationMessage(
      `Conduit: the ${provider} key …${result.last4} is kept in VS Code's secret storage${warn}.`,
    );
    return true;
  } catch (err) {
    await showFailure(`the ${provider} key was not kept in VS Code's secret storage.`, describeError(err));
    return false;
  }
}

export async function removeKeyCommand(daemon: DaemonConnection, args?: { provider?: ProviderId }): Promise<boolean> {
  const provider = await pickProvider('Conduit: Remove API Key', args?.provider);
  if (!provider) return false;
  if (!args?.provider) {
    const sure = await vscode.window.showWarningMessage(
      `Remove every stored ${provider} key (keychain and VS Code secret storage)?`,
      { modal: true },
      'Remove',
    );
    if (sure !== 'Remove') return false;
  }
  // VS Code's copy first: it needs no keychain, so it goes even where the keychain cannot be reached.
  const fromWindow = (await WindowKeys.get()?.remove(provider)) ?? false;
  try {
    const result = await call(await daemon.get(), KeysRemoveRequest.type, { provider });
    const removed = result.removed + (fromWindow ? 1 : 0);
    void vscode.window.showInformationMessage(`Conduit: removed ${removed} ${provider} key(s).`);
    return true;
  } catch (err) {
    if (fromWindow && err instanceof ConduitError && err.code === 'keychain_unavailable') {
      logOf()?.warn(`The keychain was not reached while removing the ${provider} key: ${describeError(err)}`);
      void vscode.window.showInformationMessage(`Conduit: removed the ${provider} key from VS Code's secret storage.`);
      return true;
    }
    await showFailure(`the ${provider} key was not removed.`, describeError(err));
    return false;
  }
}
