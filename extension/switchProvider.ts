import * as vscode from 'vscode';
import { findModel, pricesAt } from '../daemon/router/models';
import { ProviderIds, type ProviderId, type StatusResult } from '../protocol';
import type { DaemonConnection } from './daemonConnection';
import { describeError } from './rpc';

interface ProviderItem extends vscode.QuickPickItem {
  id: ProviderId;
}

const KEY_TEXT: Record<string, string> = { env: 'key from environment', keychain: 'key in keychain', none: 'no key', 'not-required': 'no key needed' };

/** Quick pick of the providers with key, health, model and price; the choice sets `conduit.provider`. */
export async function switchProviderCommand(daemon: DaemonConnection, args?: { provider?: ProviderId }): Promise<ProviderId | undefined> {
  let chosen = args?.provider;
  if (!chosen) {
    let status: StatusResult | undefined;
    try {
      status = await (await daemon.get()).status();
    } catch (err) {
      void vscode.window.showWarningMessage(`Conduit: the daemon did not answer (${describeError(err)}); showing providers without their state.`);
    }
    const current = vscode.workspace.getConfiguration('conduit').get<ProviderId>('provider', 'anthropic');
    const items: ProviderItem[] = ProviderIds.map((id) => describe(id, status, current));
    const pick = await vscode.window.showQuickPick(items, { title: 'Conduit: Switch Provider', placeHolder: `Now: ${current}`, matchOnDescription: true, matchOnDetail: true });
    chosen = pick?.id;
  }
  if (!chosen) return undefined;
  const config = vscode.workspace.getConfiguration('conduit');
  const inspected = config.inspect<string>('provider');
  // Change it where it is set, so a workspace value does not silently win over the new choice.
  const target = inspected?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder
    : inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  await config.update('provider', chosen, target);
  void vscode.window.setStatusBarMessage(`Conduit: now using ${chosen}`, 3000);
  return chosen;
}

function describe(id: ProviderId, status: StatusResult | undefined, current: ProviderId): ProviderItem {
  const p = status?.providers.find((x) => x.id === id);
  const circuits = status?.circuits.filter((c) => c.key.startsWith(`${id}/`) && c.state !== 'closed') ?? [];
  const health = !status ? '' : circuits.length > 0 ? `$(warning) circuit ${circuits.map((c) => c.state).join(', ')}` : '$(pass) healthy';
  const key = p ? KEY_TEXT[p.keySource] ?? p.keySource : '';
  let price = '';
  const model = p ? findModel(id, p.defaultModel) : undefined;
  if (model) {
    const prices = pricesAt(model);
    if (prices.input !== null && prices.output !== null) price = `$${prices.input}/$${prices.output} per M tokens in/out`;
  }
  return {
    id,
    label: `${id === current ? '$(check) ' : ''}${id}`,
    description: [p?.defaultModel, price].filter(Boolean).join(' · '),
    detail: [key, health].filter(Boolean).join(' · ') || undefined,
  };
}
