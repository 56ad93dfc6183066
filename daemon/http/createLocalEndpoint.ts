import type { ChatRequest, ChatResult, ToolCallDelta } from '../../protocol';
import { EMBEDDING_PRICES_PER_MTOK } from '../cache/embeddingUsage';
import type { ConduitConfig } from '../config/config';
import { EmbeddingGateway } from '../gateway/embeddingGateway';
import type { Gateway } from '../gateway/gateway';
import { modelsInUse } from '../gateway/routeStep';
import type { Redactor } from '../guard/redact';
import { embeddingProvider } from '../providers/embeddingProvider';
import { MODELS_CATALOGUE } from '../router/modelsCatalogue';
import { deprecationStatus } from '../router/models';
import type { RateLimiter } from '../ratelimit/rateLimiter';
import type { BreakerRegistry } from '../resilience/breakerRegistry';
import type { KeyRing } from '../secrets/keyRing';
import type { BudgetTable } from '../usage/budgetTable';
import type { RequestRecorder } from '../usage/requestRecord';
import { readOrCreateEndpointToken } from './endpointToken';
import type { EndpointDeps, Exchange, ListedModel } from './exchange';
import { LocalEndpoint } from './localEndpoint';
import { CONDUIT_MODELS } from './modelName';

export interface LocalEndpointParts {
  home: string;
  config: () => ConduitConfig;
  gateway: Pick<Gateway, 'send'>;
  budgets: BudgetTable;
  recorder: RequestRecorder;
  keys: KeyRing;
  redactor: Redactor;
  /** The gateway's own limiter and breakers: embeddings share the providers' limits and circuits. */
  rateLimiter: RateLimiter;
  breakers: BreakerRegistry;
  onBudgetSettled?: () => void;
  log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * The local OpenAI/Anthropic endpoint, wired to the same gateway entry the IPC `chat/send`
 * handler uses, so its requests meet the same guards, routing, cache, budgets, limits,
 * resilience and ledger. It starts listening only when `server.enabled` is set; call `apply()`
 * after each settings change.
 */
export function createLocalEndpoint(parts: LocalEndpointParts): {
  endpoint: LocalEndpoint;
  apply: () => Promise<void>;
} {
  const token = readOrCreateEndpointToken(parts.home);
  parts.redactor.addSecret(token);
  const embeddings = new EmbeddingGateway({
    config: parts.config,
    redactor: parts.redactor,
    recorder: parts.recorder,
    budgets: parts.budgets,
    rateLimiter: parts.rateLimiter,
    breakers: parts.breakers,
    keys: parts.keys,
    log: parts.log,
    ...(parts.onBudgetSettled ? { onBudgetSettled: parts.onBudgetSettled } : {}),
  });
  const deps: EndpointDeps = {
    send: (request, ex, onChunk) => send(parts, request, ex, onChunk),
    budgetRetryAfterS: () => budgetRetryAfterS(parts.budgets, Date.now()),
    modelIds: () => modelIds(parts.config()),
    embed: (model, inputs, ex, dimensions) =>
      embeddings.embed({
        model,
        inputs,
        ...(dimensions !== undefined ? { dimensions } : {}),
        requestId: ex.requestId,
        feature: ex.feature,
        clientName: ex.clientName,
        signal: ex.signal,
      }),
  };
  const endpoint = new LocalEndpoint({ token, deps, log: parts.log });
  return { endpoint, apply: () => endpoint.apply(parts.config().server) };
}

function send(
  parts: LocalEndpointParts,
  request: ChatRequest,
  ex: Exchange,
  onChunk?: (delta: string, toolCall?: ToolCallDelta) => Promise<void> | undefined,
): Promise<ChatResult> {
  return parts.gateway.send(request, {
    requestId: ex.requestId,
    client: 'other',
    clientName: ex.clientName,
    signal: ex.signal,
    noSimplified: true,
    ...(onChunk
      ? { sink: { chunk: (delta: string, _seq: number, toolCall?: ToolCallDelta) => onChunk(delta, toolCall) } }
      : {}),
  });
}

/** When the spent budget frees up: the latest turn among exhausted budgets, else the soonest turn. */
export function budgetRetryAfterS(budgets: Pick<BudgetTable, 'statuses'>, now: number): number | undefined {
  const all = budgets.statuses();
  if (all.length === 0) return undefined;
  const spent = all.filter((b) => b.remainingUsd <= 0);
  const at = spent.length ? Math.max(...spent.map((b) => b.resetsAt)) : Math.min(...all.map((b) => b.resetsAt));
  return Math.max(1, Math.ceil((at - now) / 1000));
}

function modelIds(config: ConduitConfig): ListedModel[] {
  const now = new Date();
  const out: ListedModel[] = CONDUIT_MODELS.map((id) => ({ id, ownedBy: 'conduit' }));
  const seen = new Set<string>(out.map((m) => m.id));
  for (const m of MODELS_CATALOGUE) {
    if (deprecationStatus(m, now).state === 'past' || seen.has(m.id)) continue;
    seen.add(m.id);
    out.push({ id: m.id, ownedBy: m.provider });
  }
  for (const m of modelsInUse(config)) {
    if (seen.has(m.model)) continue;
    const id = ['anthropic', 'openai', 'gemini'].includes(m.provider) ? m.model : `${m.provider}/${m.model}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ id, ownedBy: m.provider });
  }
  // For tools that look for an embedding model in the list (POST /v1/embeddings serves these).
  for (const id of Object.keys(EMBEDDING_PRICES_PER_MTOK)) {
    if (!seen.has(id)) out.push({ id, ownedBy: embeddingProvider(id).provider, embedding: true });
  }
  return out;
}
