import * as vscode from 'vscode';
import { findModel, pricesAt } from '../daemon/router/models';
import type { ProviderId, StatusResult } from '../protocol';
import type { DaemonConnection } from './daemonConnection';
import { setKeyCommand } from './keyCommands';
import { providerReadiness } from './providerReadiness';
import { describeError } from './rpc';

interface ProviderItem extends vscode.QuickPickItem {
  id?: ProviderId;
  notSetUp?: boolean;
}

const KEY_TEXT: Record<string, string> = {
  env: 'key from environment',
  keychain: 'key in keychain',
  none: 'no key',
  'not-required': 'no key needed',
};

/** Quick pick of the providers with key, health, model and price; the choice sets `conduit.provider`. */
export async function switchProviderCommand(
  daemon: DaemonConnection,
  args?: { provider?: ProviderId },
): Promise<ProviderId | undefined> {
  let chosen = args?.provider;
  if (!chosen) {
    let status: StatusResult | undefined;
    try {
      status = await (await daemon.get()).status();
    } catch (err) {
      void vscode.window.showWarningMessage(
        `Conduit: the daemon did not answer (${describeError(err)}); showing providers without their state.`,
      );
    }
    const current = vscode.workspace.getConfiguration('conduit').get<ProviderId>('provider', 'anthropic');
    const { usable, notSetUp } = providerReadiness(status);
    const items: ProviderItem[] = usable.map((id) => describe(id, status, current));
    if (notSetUp.length > 0) {
      items.push({ label: 'Not set up', kind: vscode.QuickPickItemKind.Separator });
      items.push(...notSetUp.map((id) => notSetUpItem(id, status, current)));
    }
    const pick = await vscode.window.showQuickPick(items, {
      title: 'Conduit: Switch Provider',
      placeHolder: `Now: ${current}`,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    chosen = pick?.id;
    // A provider without a key could only fail: set one up first, and switch only if that worked.
    if (chosen && pick?.notSetUp && !(await setKeyCommand(daemon, { provider: chosen }))) return undefined;
  }
  if (!chosen) return undefined;
  const config = vscode.workspace.getConfiguration('conduit');
  const inspected = config.inspect<string>('provider');
  // Change it where it is set, so a workspace value does not silently win over the new choice.
  const target =
    inspected?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await config.update('provider', chosen, target);
  void vscode.window.setStatusBarMessage(`Conduit: now using ${chosen}`, 3000);
  return chosen;
}

function notSetUpItem(id: ProviderId, status: StatusResult | undefined, current: ProviderId): ProviderItem {
  const item = describe(id, status, current);
  return { ...item, notSetUp: true, detail: '$(key) not set up: no key. Choose it to set one.' };
}

function describe(id: ProviderId, status: StatusResult | undefined, current: ProviderId): ProviderItem {
  const p = status?.providers.find((x) => x.id === id);
  const circuits = status?.circuits.filter((c) => c.key.startsWith(`${id}/`) && c.state !== 'closed') ?? [];
  const health = !status
    ? ''
    : circuits.length > 0
      ? `$(warning) circuit ${circuits.map((c) => c.state).join(', ')}`
      : '$(pass) healthy';
  const key = p ? (KEY_TEXT[p.keySource] ?? p.keySource) : '';
  let price = '';
  const model = p ? findModel(id, p.defaultModel) : undefined;
  if (model) {
    const prices = pricesAt(model);
    if (prices.input !== null && prices.output !== null)
      price = `$${prices.input}/$${prices.output} per M tokens in/out`;
  }
  return {
    id,
    label: `${id === current ? '$(check) ' : ''}${id}`,
    description: [p?.defaultModel, price].filter(Boolean).join(' · '),
    detail: [key, health].filter(Boolean).join(' · ') || undefined,
  };
}
