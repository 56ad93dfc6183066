import * as vscode from 'vscode';
import type { DaemonClient } from '../daemon/client/daemonClient';
import type { ChatRequest, ProviderId, ProviderStatus } from '../protocol';
import { toCanonicalChat, toCanonicalOptions, toCanonicalTools, tokenUpperBound, toolCallsOut } from './chatMessages';
import { conduitModels, VENDOR, type ConduitModelInfo } from './chatModels';
import type { DaemonConnection } from './daemonConnection';
import type { FailureNotifier } from './failureNotifier';
import { classifyResult, classifyThrown } from './failureView';
import { describeError, isCancelled } from './rpc';

/** The ledger's feature for requests from VS Code's chat and other extensions' language model calls. */
export const CHAT_FEATURE = 'chat';

/**
 * Conduit as a language model vendor in VS Code: its models appear in the chat's model picker and
 * in `vscode.lm.selectChatModels({ vendor: 'conduit' })`, and every request goes through the
 * daemon, so routing, cache, budgets, retries, fallbacks and the ledger apply as for Ask.
 */
export class ConduitChatModelProvider implements vscode.LanguageModelChatProvider<ConduitModelInfo>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  /** The daemon's providers as last seen, so a silent listing needs no round trip. */
  private providers: ProviderStatus[] | undefined;

  constructor(
    private readonly daemon: DaemonConnection,
    /** Failures feed the status bar and get one notification, as Ask's do. */
    private readonly notices?: Pick<FailureNotifier, 'failed' | 'succeeded'>,
  ) {}

  /** The list may have changed: another provider or model setting, or keys set or removed. */
  refresh(): void {
    this.providers = undefined;
    this.changed.fire();
  }

  /** A new daemon connection: its providers, read off the activation path, then VS Code asks again. */
  connected(client: DaemonClient): void {
    void client.status().then(
      (s) => {
        this.providers = s.providers;
        this.changed.fire();
      },
      () => undefined,
    );
  }

  async provideLanguageModelChatInformation(
    options: vscode.PrepareLanguageModelChatModelOptions,
  ): Promise<ConduitModelInfo[]> {
    // A silent listing (VS Code asking at startup) must not start a daemon; the tiers need none.
    // Asked aloud (the model picker's management), the daemon's current providers are read.
    if (!options.silent || !this.providers) {
      const client = options.silent ? await this.daemon.ifRunning() : await this.daemon.get().catch(() => undefined);
      this.providers =
        (await client?.status().then(
          (s) => s.providers,
          () => undefined,
        )) ?? this.providers;
    }
    return conduitModels(windowProvider(), this.providers);
  }

  async provideLanguageModelChatResponse(
    model: ConduitModelInfo,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const { messages: canonical, system } = toCanonicalChat(messages);
    const target = 'tier' in model.target ? { tier: model.target.tier, provider: windowProvider() } : model.target;
    const request: ChatRequest = {
      messages: canonical,
      ...(system !== undefined ? { system } : {}),
      ...target,
      ...toCanonicalTools(options),
      ...toCanonicalOptions(options.modelOptions),
      stream: true,
      feature: CHAT_FEATURE,
      priority: 'interactive',
    };
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    let streamed = false;
    try {
      const client = await this.daemon.get();
      const result = await client.chat(request, {
        signal: controller.signal,
        onChunk: (chunk) => {
          if (chunk.delta === '') return;
          streamed = true;
          progress.report(new vscode.LanguageModelTextPart(chunk.delta));
        },
      });
      const failure = classifyResult(result);
      if (failure) this.notices?.failed(failure, `chat model ${model.id}`);
      else this.notices?.succeeded();
      // Conduit's own stand-in text when every provider failed is not a model's answer: the
      // caller must see a failure, not read the apology as the model speaking.
      if (result.degraded) throw new ReportedFailure(`Conduit: ${result.degraded.message}`);
      // A cached answer arrives whole, without chunks.
      if (!streamed && result.text !== '') progress.report(new vscode.LanguageModelTextPart(result.text));
      // Tool calls are reported whole, once the daemon has parsed their arguments.
      for (const call of toolCallsOut(result.toolCalls)) {
        progress.report(new vscode.LanguageModelToolCallPart(call.callId, call.name, call.input));
      }
    } catch (err) {
      if (token.isCancellationRequested || isCancelled(err)) throw new vscode.CancellationError();
      if (err instanceof ReportedFailure) throw err;
      const failure = classifyThrown(err);
      if (failure) this.notices?.failed(failure, `chat model ${model.id}`);
      throw new Error(`Conduit: ${describeError(err)}`, { cause: err });
    } finally {
      sub.dispose();
    }
  }

  provideTokenCount(_model: ConduitModelInfo, text: string | vscode.LanguageModelChatRequestMessage): Promise<number> {
    return Promise.resolve(tokenUpperBound(text));
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** A failure already reported to the notifier, thrown on to the caller as it is. */
class ReportedFailure extends Error {}

function windowProvider(): ProviderId {
  return vscode.workspace.getConfiguration('conduit').get<ProviderId>('provider', 'anthropic');
}

/** Registers the provider; no I/O until VS Code asks for the models. */
export function registerChatModelProvider(
  daemon: DaemonConnection,
  notices?: Pick<FailureNotifier, 'failed' | 'succeeded'>,
): {
  provider: ConduitChatModelProvider;
  disposables: vscode.Disposable[];
} {
  const provider = new ConduitChatModelProvider(daemon, notices);
  return {
    provider,
    disposables: [
      provider,
      vscode.lm.registerLanguageModelChatProvider(VENDOR, provider),
      daemon.onConnected((client) => provider.connected(client)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('conduit.provider') || e.affectsConfiguration('conduit.models')) provider.refresh();
      }),
    ],
  };
}
