import { ConduitError, type ChatRequest, type ChatResult, type ToolCallDelta } from '../../protocol';
import { resolveProvider, type ConduitConfig } from '../config/config';
import type { Gateway } from '../gateway/gateway';
import { modelsInUse } from '../gateway/routeStep';
import type { Redactor } from '../guard/redact';
import { MODELS_CATALOGUE } from '../router/modelsCatalogue';
import { deprecationStatus } from '../router/models';
import type { KeyRing } from '../secrets/keyRing';
import { resolveKey } from '../secrets/keySource';
import type { BudgetTable } from '../usage/budgetTable';
import { emptyUsage } from '../../protocol';
import { costOf } from '../usage/pricing';
import type { RequestRecorder } from '../usage/requestRecord';
import { readOrCreateEndpointToken } from './endpointToken';
import type { EndpointDeps, Exchange } from './exchange';
import { LocalEndpoint } from './localEndpoint';
import { CONDUIT_MODELS } from './modelName';
import { embeddingProvider, upstreamEmbeddings } from './upstreamEmbeddings';

export interface LocalEndpointParts {
  home: string;
  config: () => ConduitConfig;
  gateway: Pick<Gateway, 'send'>;
  budgets: BudgetTable;
  recorder: RequestRecorder;
  keys: KeyRing;
  redactor: Redactor;
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
  const deps: EndpointDeps = {
    send: (request, ex, onChunk) => send(parts, request, ex, onChunk),
    budgetRetryAfterS: () => budgetRetryAfterS(parts.budgets, Date.now()),
    modelIds: () => modelIds(parts.config()),
    embed: (model, input, ex) => embed(parts, model, input, ex),
  };
  const endpoint = new LocalEndpoint({ token, deps, log: parts.log });
  return { endpoint, apply: () => endpoint.apply(parts.config().server) };
}

function send(
  parts: LocalEndpointParts,
  request: ChatRequest,
  ex: Exchange,
  onChunk?: (delta: string, toolCall?: ToolCallDelta) => void,
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

function modelIds(config: ConduitConfig): { id: string; ownedBy: string }[] {
  const now = new Date();
  const out: { id: string; ownedBy: string }[] = CONDUIT_MODELS.map((id) => ({ id, ownedBy: 'conduit' }));
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
  return out;
}

/** Embeddings go straight to the provider with Conduit's key, and get their own ledger row. */
async function embed(
  parts: LocalEndpointParts,
  name: string,
  input: string[],
  ex: Exchange,
): Promise<{ vectors: number[][]; model: string; promptTokens: number }> {
  const config = parts.config();
  const { provider, model } = embeddingProvider(name);
  const startedAt = Date.now();
  const started = performance.now();
  const { key } = resolveKey(provider, process.env, parts.keys, config.profile);
  const base = {
    requestId: ex.requestId,
    startedAt,
    client: 'other' as const,
    clientName: ex.clientName,
    feature: ex.feature,
    priority: 'interactive' as const,
    provider,
    model,
    tier: null,
    experimentArm: null,
    costSavedUsd: 0,
    costEstimated: false,
    ttftMs: null,
    attempts: 1,
    fallbackPath: [],
    cache: 'none' as const,
    coalesced: false,
    stream: false,
    profile: config.profile,
    sample: null,
  };
  if (!key) {
    const err = new ConduitError({
      code: 'no_api_key',
      provider,
      model,
      message: `No ${provider} key is set for embeddings; run \`conduit key set ${provider}\`.`,
    });
    await parts.recorder.record({
      ...base,
      usage: emptyUsage(),
      costUsd: 0,
      latencyMs: performance.now() - started,
      errorCode: 'no_api_key',
      httpStatus: null,
    });
    throw err;
  }
  parts.redactor.addSecret(key);
  try {
    const answer = await upstreamEmbeddings(
      provider,
      model,
      input,
      { apiKey: key, baseURL: resolveProvider(config, provider).baseURL },
      ex.signal,
    );
    const usage = { ...emptyUsage(), input_tokens: answer.promptTokens };
    await parts.recorder.record({
      ...base,
      usage,
      costUsd: costOf(provider, model, usage, config.prices).usd,
      latencyMs: performance.now() - started,
      errorCode: null,
      httpStatus: null,
    });
    return answer;
  } catch (err) {
    const data = err instanceof ConduitError ? err.data : undefined;
    await parts.recorder.record({
      ...base,
      usage: emptyUsage(),
      costUsd: 0,
      latencyMs: performance.now() - started,
      errorCode: data?.code ?? 'internal',
      httpStatus: data?.status ?? null,
    });
    throw err;
  }
}
