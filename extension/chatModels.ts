import type * as vscode from 'vscode';
import { defaultModelFor, findModel } from '../daemon/router/models';
import type { ProviderId, ProviderStatus, Tier } from '../protocol';

/** What a Conduit model in VS Code's picker asks the daemon for: a routing tier, or one provider's model. */
export type ModelTarget = { tier: Tier } | { provider: ProviderId; model: string };

export interface ConduitModelInfo extends vscode.LanguageModelChatInformation {
  readonly target: ModelTarget;
}

export const VENDOR = 'conduit';
const TIERS: readonly Tier[] = ['simple', 'moderate', 'complex'];

/** When the catalogue does not know a model's limits: what every current chat model accepts. */
const FALLBACK_INPUT_TOKENS = 128_000;
const FALLBACK_OUTPUT_TOKENS = 8_192;

function limits(provider: ProviderId, model: string | undefined): { maxInputTokens: number; maxOutputTokens: number } {
  const entry = model ? findModel(provider, model) : undefined;
  return {
    maxInputTokens: entry?.contextWindow ?? FALLBACK_INPUT_TOKENS,
    maxOutputTokens: entry?.maxOutputTokens ?? FALLBACK_OUTPUT_TOKENS,
  };
}

/**
 * The models Conduit offers VS Code: one per routing tier (the router picks within the window's
 * provider, with fallbacks), then each usable provider's configured default model. A provider
 * without a key is left out: choosing it could only fail.
 */
export function conduitModels(
  windowProvider: ProviderId,
  providers: readonly ProviderStatus[] | undefined,
): ConduitModelInfo[] {
  const tierModels: ConduitModelInfo[] = TIERS.map((tier) => {
    const model = defaultModelFor(windowProvider, tier);
    return {
      id: `conduit/${tier}`,
      name: `Conduit ${tier}`,
      family: 'conduit',
      version: tier,
      detail: `${windowProvider}, routed`,
      tooltip:
        `Conduit routes each request by complexity; ${tier} work goes to ` +
        `${model ?? `${windowProvider}'s ${tier} model`}, with your budgets, cache and fallbacks.`,
      ...limits(windowProvider, model),
      capabilities: { toolCalling: true, imageInput: true },
      target: { tier },
    };
  });
  const providerModels = (providers ?? [])
    .filter((p) => p.keySource !== 'none' && p.defaultModel !== '')
    .map((p): ConduitModelInfo => ({
      id: `${p.id}/${p.defaultModel}`,
      name: p.defaultModel,
      family: p.defaultModel,
      version: p.defaultModel,
      detail: `${p.id} via Conduit`,
      tooltip: `${p.id}'s configured model, through Conduit's budgets, cache and retries.`,
      ...limits(p.id, p.defaultModel),
      capabilities: { toolCalling: true, imageInput: true },
      target: { provider: p.id, model: p.defaultModel },
    }));
  return [...tierModels, ...providerModels];
}
