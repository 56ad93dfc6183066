import {
  emptyUsage,
  type AttemptRecord,
  type ChatRequest,
  type ChatResult,
  type RouteInfo,
  type ToolCallDelta,
} from '../../protocol';
import type { CacheEntry } from '../cache/cacheEntry';
import type { CanonicalRequest } from '../cache/cacheKey';
import { temperatureAllowed } from '../cache/cacheSettings';
import { replayChunks } from '../cache/replay';
import type { ResponseCache } from '../cache/responseCache';
import { SingleFlight } from '../cache/singleFlight';
import { resolveProvider, type ConduitConfig } from '../config/config';
import { redactOutput } from '../guard/outputGuard';
import { TIERS } from '../router/routeDecision';
import { apiFieldsOf } from './apiFields';
import { RouteStep } from './routeStep';
import type { SendContext } from './gatewayTypes';

export type Upstream = (ctx: SendContext) => Promise<ChatResult>;

/** The parts of the request's context the cache step reads. */
export interface CacheRun {
  request: ChatRequest;
  config: ConduitConfig;
  call: SendContext;
  /** performance.now() at the start, for the latency. */
  started: number;
  route?: RouteInfo;
}

/** The request's path so far, for an answer served from the cache. */
export interface CachePath {
  call: SendContext;
  started: number;
  attempts: AttemptRecord[];
  fallbacks: string[];
}

/**
 * The pipeline's cache and coalesce steps (docs/architecture.md, "The request pipeline"):
 * the cache (exact, then semantic), coalescing with
 * identical requests in flight, and storing a complete answer. Also serves the stale entry that
 * the fallback chain may use as a last resort.
 */
export class CacheStep {
  private readonly flights = new SingleFlight<ChatResult>();
  private readonly routes: RouteStep;

  constructor(
    private readonly cache: ResponseCache | undefined,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.routes = new RouteStep(env);
  }

  async run(run: CacheRun, upstream: Upstream): Promise<ChatResult> {
    const { request, config, call: ctx, started, route } = run;
    const cache = this.cache;
    const feature = request.feature ?? 'ask';
    const canonical = this.cacheable(request, config);
    if (!cache || !canonical) return upstream(ctx);
    const hit = await cache.lookup(
      canonical,
      feature,
      ctx.signal,
      request.priority === 'background' ? 'background' : 'interactive',
      ctx.warming !== true,
      this.strongerModels(request, route, config),
    );
    if (hit) return this.fromCache({ call: ctx, started, attempts: [], fallbacks: [] }, hit);
    // Stored inside the shared call, so the answer is kept even when the caller who started it left.
    const storing = async (c: SendContext): Promise<ChatResult> => {
      const result = await upstream(c);
      // A budget downgrade answered with another model than the one this key names: not stored.
      // Nor an answer that calls a tool: the call acts on the client's world, which a replay cannot know.
      if (
        result.cache === 'none' &&
        !result.degraded &&
        result.fallbacks.length === 0 &&
        !result.route?.downgradedFrom &&
        !result.toolCalls?.length
      ) {
        // Secrets never rest on disk, whatever the output settings: a hit is redacted again on the way out anyway.
        const text = redactOutput(result.text, { secrets: true, pii: false }).text;
        cache.store(canonical, request, feature, {
          text,
          provider: result.provider,
          model: result.model,
          stopReason: result.stopReason,
          ...(result.stopSequence !== undefined ? { stopSequence: result.stopSequence } : {}),
          usage: result.usage,
          costUsd: result.costUsd ?? null,
        });
      }
      return result;
    };
    if (!config.cache.coalesce) return storing(ctx);
    let seq = 0;
    const own = ctx.sink
      ? { text: (delta: string, toolCall?: ToolCallDelta) => ctx.sink!.chunk(delta, seq++, toolCall) }
      : undefined;
    const { leader, result } = this.flights.run(
      `${cache.keyOf(canonical)}:${ctx.sink ? 'stream' : 'call'}`,
      ctx.signal,
      own,
      (signal, shared) =>
        storing({
          ...ctx,
          signal,
          ...(ctx.sink
            ? {
                sink: {
                  chunk: (delta: string, _seq: number, toolCall?: ToolCallDelta) => shared.text(delta, toolCall),
                },
              }
            : {}),
        }),
    );
    const value = await result;
    if (leader) return value;
    cache.noteCoalesced();
    // A follower bills nothing: the leader's row carries the call.
    return {
      ...value,
      requestId: ctx.requestId,
      latencyMs: round(performance.now() - started),
      usage: emptyUsage(),
      costUsd: 0,
      coalesced: true,
    };
  }

  /**
   * When the router picked the model by tier, the models of the tiers above it: their answers may
   * serve this request (a paraphrase scored one tier lower still finds its twin's answer), while
   * a cheaper tier's answer never serves a request the router judged to need more.
   */
  private strongerModels(request: ChatRequest, route: RouteInfo | undefined, config: ConduitConfig): string[] {
    if (route?.source !== 'tier' || !config.routing.enabled || request.provider === undefined) return [];
    const provider = request.provider;
    return TIERS.slice(TIERS.indexOf(route.tier) + 1).map((t) => this.routes.modelFor(config, provider, t));
  }

  /** For warming: whether this request's answer is cached already, or could never be. Counts nothing. */
  state(request: ChatRequest, config: ConduitConfig): 'cached' | 'missing' | 'uncacheable' {
    const canonical = this.cacheable(request, config);
    if (!canonical || !this.cache) return 'uncacheable';
    return this.cache.has(canonical) ? 'cached' : 'missing';
  }

  /** For warming: embeds the prompts of these requests ahead, in one batched call. */
  async prime(requests: readonly ChatRequest[], config: ConduitConfig): Promise<void> {
    const cacheable = requests.flatMap((request) => {
      const req = this.cacheable(request, config);
      return req ? [{ req, feature: request.feature ?? 'ask' }] : [];
    });
    await this.cache?.prime(cacheable);
  }

  /** The last resort before a simplified answer: an expired entry, labelled stale. */
  stale(run: CachePath & { request: ChatRequest; config: ConduitConfig }): ChatResult | undefined {
    const { request, config, fallbacks } = run;
    const canonical = this.cacheable(request, config);
    const entry = canonical ? this.cache?.stale(canonical) : undefined;
    if (!entry) return undefined;
    fallbacks.push('stale-cache');
    return this.fromCache(run, { entry, kind: 'stale' });
  }

  /** The request as the cache keys it, or undefined when it may not be cached at all. */
  private cacheable(request: ChatRequest, config: ConduitConfig): CanonicalRequest | undefined {
    if (!this.cache || !config.cache.enabled) return undefined;
    if (!temperatureAllowed(config.cache, request.feature ?? 'ask', request.temperature)) return undefined;
    const provider = request.provider ?? config.provider;
    return {
      provider,
      model: request.model ?? resolveProvider(config, provider, this.env).model,
      messages: request.messages,
      maxTokens: request.max_tokens ?? config.defaultMaxTokens,
      ...(request.system !== undefined ? { system: request.system } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.responseFormat !== undefined ? { responseFormat: request.responseFormat } : {}),
      ...apiFieldsOf(request),
    };
  }

  /** An answer from the cache: replayed as chunks to a streaming client, billing nothing. */
  private fromCache(
    path: CachePath,
    hit: { entry: CacheEntry; kind: 'exact' | 'semantic' | 'stale'; similarity?: number },
  ): ChatResult {
    const { call: ctx, started, attempts, fallbacks } = path;
    const { entry, kind, similarity } = hit;
    let seq = 0;
    // The cached text is in memory already, so the replay is written without waiting.
    if (ctx.sink) for (const piece of replayChunks(entry.text)) void ctx.sink.chunk(piece, seq++);
    const latencyMs = round(performance.now() - started);
    return {
      requestId: ctx.requestId,
      text: entry.text,
      provider: entry.provider,
      model: entry.model,
      usage: emptyUsage(),
      stopReason: entry.stopReason,
      ...(entry.stopSequence !== undefined ? { stopSequence: entry.stopSequence } : {}),
      latencyMs,
      ttftMs: ctx.sink ? latencyMs : null,
      attempts: attempts.length,
      attemptLog: [...attempts],
      cache: kind,
      fallbacks: [...fallbacks],
      costUsd: 0,
      costSavedUsd: entry.costUsd,
      ...(kind === 'semantic'
        ? { cacheMatch: { similarity: Math.round((similarity ?? 0) * 10_000) / 10_000, prompt: entry.prompt } }
        : {}),
    };
  }
}

export function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
