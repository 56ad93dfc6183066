import * as vscode from 'vscode';
import type { DaemonClient } from '../daemon/client/daemonClient';
import { KeysProvideRequest, ProviderIds, type KeysProvideResult, type ProviderId } from '../protocol';
import type { DaemonConnection } from './daemonConnection';
import { call, describeError } from './rpc';

const secretName = (provider: ProviderId) => `conduit.apiKey.${provider}`;

/**
 * Keys kept in VS Code's SecretStorage, for machines where the daemon cannot reach an OS keychain
 * (code-server, remote and headless hosts). The window hands each one to the daemon over its
 * authenticated connection (`keys/provide`) every time it connects, including after a daemon
 * restart; the daemon holds it in memory for as long as a window that provided it is connected,
 * and writes it nowhere. SecretStorage is shared by the user's windows, so a key stored in one
 * is provided by every window, and a removal is withdrawn by every window.
 */
export class WindowKeys implements vscode.Disposable {
  private static current: WindowKeys | undefined;
  private readonly subscriptions: vscode.Disposable[];

  /** The activated extension's instance; commands reach it without a new parameter. */
  static get(): WindowKeys | undefined {
    return WindowKeys.current;
  }

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly daemon: DaemonConnection,
    readonly log: vscode.LogOutputChannel,
  ) {
    WindowKeys.current = this;
    this.subscriptions = [
      daemon.onConnected((client) => this.provideAll(client)),
      secrets.onDidChange((e) => void this.changed(e.key)),
    ];
  }

  /** Keeps the key in SecretStorage, then hands it to the daemon (started if needed). */
  async store(provider: ProviderId, key: string): Promise<KeysProvideResult> {
    await this.secrets.store(secretName(provider), key);
    return call(await this.daemon.get(), KeysProvideRequest.type, { provider, key });
  }

  /** Deletes the provider's key from SecretStorage and withdraws it; false when there was none. */
  async remove(provider: ProviderId): Promise<boolean> {
    const had = (await this.secrets.get(secretName(provider))) !== undefined;
    if (!had) return false;
    await this.secrets.delete(secretName(provider));
    await this.withdraw(provider);
    return true;
  }

  async has(provider: ProviderId): Promise<boolean> {
    return (await this.secrets.get(secretName(provider))) !== undefined;
  }

  /** On every connection, before any command uses it: each stored key, one failure never blocking the rest. */
  private async provideAll(client: DaemonClient): Promise<void> {
    for (const provider of ProviderIds) {
      try {
        const key = await this.secrets.get(secretName(provider));
        if (!key) continue;
        const result = await call(client, KeysProvideRequest.type, { provider, key });
        this.log.info(`Handed the ${provider} key …${result.last4} from VS Code's secret storage to the daemon.`);
      } catch (err) {
        this.log.warn(`The ${provider} key in VS Code's secret storage was not handed over: ${describeError(err)}`);
      }
    }
  }

  /** Another window (or this one) changed a key: keep the daemon's copy from this window in step. */
  private async changed(name: string): Promise<void> {
    const provider = ProviderIds.find((p) => secretName(p) === name);
    const client = provider ? await this.daemon.ifRunning() : undefined;
    if (!provider || !client) return;
    try {
      const key = (await this.secrets.get(name)) ?? null;
      await call(client, KeysProvideRequest.type, { provider, key });
    } catch (err) {
      this.log.warn(`The changed ${provider} key was not handed over: ${describeError(err)}`);
    }
  }

  private async withdraw(provider: ProviderId): Promise<void> {
    const client = await this.daemon.ifRunning();
    if (!client) return;
    await call(client, KeysProvideRequest.type, { provider, key: null }).catch((err: unknown) =>
      this.log.warn(`The ${provider} key was not withdrawn from the daemon: ${describeError(err)}`),
    );
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    if (WindowKeys.current === this) WindowKeys.current = undefined;
  }
}
