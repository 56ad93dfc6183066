import {
  ConduitError,
  emptyUsage,
  type AttemptRecord,
  type ChatRequest,
  type ChatResult,
  type ClientKind,
  type ConduitErrorData,
  type ProviderId,
  type RouteInfo,
  type RouterExplainResult,
  type ToolCallDelta,
} from '../../protocol';
import type { ResponseCache } from '../cache/responseCache';
import { resolveProvider, type ConduitConfig } from '../config/config';
import { fitContextWindow } from '../router/contextWindow';
import { addTrims } from '../router/contextTrim';
import { checkImageSizes } from '../guard/imageCheck';
import { guardInput, guardRequest } from '../guard/inputGuard';
import { enforceModeration } from '../guard/moderation';
import { runWithOutputGuard } from '../guard/outputStep';
import type { Redactor } from '../guard/redact';
import type { Logger } from '../log/logger';
import { outputLimit } from '../providers/reasoningBudget';
import type { PlatformSettings, ProviderAdapter, ProviderRequest } from '../providers/types';
import type { RateLimiter } from '../ratelimit/rateLimiter';
import { estimateInputTokens } from '../ratelimit/tokenEstimate';
import type { BreakerRegistry } from '../resilience/breakerRegistry';
import { degradedAnswer } from '../resilience/degradedAnswer';
import type { DurableQueue } from '../resilience/durableQueue';
import { executeWithRetry } from '../resilience/executeWithRetry';
import { fallbackInForce } from '../resilience/defaultChain';
import { deadlinePolicy } from '../resilience/interactiveDeadlines';
import { planFallbacks, targetLabel, type Target } from '../resilience/fallbackPlan';
import { ResilienceError } from '../resilience/resilienceError';
import {
  retrySettings,
  startDeadline,
  type AttemptTimeouts,
  type Deadline,
  type RetrySettings,
} from '../resilience/resilienceSettings';
import type { KeyCandidate, KeyRing } from '../secrets/keyRing';
import { keyFromEnv, resolveKey } from '../secrets/keySource';
import { keyRequired } from '../secrets/credentialKind';
import { withKeyRotation } from '../secrets/keyRotation';
import type { BudgetTable } from '../usage/budgetTable';
import { billedCostOf, isCostlier, type PriceOverrides } from '../usage/pricing';
import type { UnpricedUse } from '../usage/eventAlerts';
import type { UnpricedSpend } from '../usage/unpricedSpend';
import type { RequestRecorder } from '../usage/requestRecord';
import { sampleOf } from '../usage/sampling';
import { AdapterPool } from './adapterPool';
import { apiFieldsOf } from './apiFields';
import { BudgetStep, type CoverTarget } from './budgetStep';
import { CacheStep, round } from './cacheStep';
import { fitFallback, type FallbackFit } from './fallbackFit';
import { shouldDegrade, shouldFallBack, shouldQueue } from './fallbackRules';
import { limitedCall } from './limitedCall';
import { limiterThatFits } from './learnLimits';
import { callProvider, type CallOutcome, type StreamSink } from './providerCall';
import { buildRecord } from './recordBuilder';
import { RouteStep } from './routeStep';
import { withTeamBudget, type TeamHooks } from './teamSteps';

export interface ChatSink {
  /** A tool-call piece comes with `delta` ''. */
  chunk(delta: string, seq: number, toolCall?: ToolCallDelta): void;
}

export interface SendContext {
  requestId: string;
  client: ClientKind;
  signal: AbortSignal;
  /** Present when the client asked to stream. */
  sink?: ChatSink;
  /** Set by the queue worker: a failure goes back to the worker, not into the queue again. */
  fromQueue?: boolean;
  /** Set by cache warming: its lookup is known to miss, and is not counted as a miss. */
  warming?: boolean;
  /** The calling tool by name (the local endpoint's User-Agent or x-conduit-client), for the ledger. */
  clientName?: string;
  /** No simplified answer: an HTTP client cannot tell Conduit's text from a model's, so it gets the error. */
  noSimplified?: boolean;
}

export interface GatewayDeps {
  config: () => ConduitConfig;
  logger: Logger;
  redactor: Redactor;
  breakers: BreakerRegistry;
  recorder?: RequestRecorder;
  queue?: DurableQueue;
  /** The response cache; without it every request goes upstream. */
  cache?: ResponseCache;
  /** Request and token buckets per provider and key; without it nothing is limited. */
  rateLimiter?: RateLimiter;
  env?: NodeJS.ProcessEnv;
  /** Keychain keys in memory; without it only the environment's keys are used. */
  keys?: KeyRing;
  /** A provider refused a key (401): the next request skips it. For alerts. */
  onKeyRejected?: (event: {
    provider: ProviderId;
    profile: string;
    keyId: string;
    origin: KeyCandidate['origin'];
    nextKeyId: string | undefined;
  }) => void;
  /** Budget reservations; without it nothing is budgeted. */
  budgets?: BudgetTable;
  /** After each budgeted request settles: the daemon checks the budget warnings. */
  onBudgetSettled?: () => void;
  /** Today's spend on models without a known price, for `status`. */
  unpriced?: UnpricedSpend;
  /** A model without a known price, once per model: for an alert. */
  onUnpricedModel?: (e: UnpricedUse) => void;
  /** Team mode: the shared request limit and the team budget; without it both stay local. */
  team?: TeamHooks;
}

interface RunPolicy {
  retry: RetrySettings;
  timeouts: AttemptTimeouts;
  deadline: Deadline;
  firstByteFailsOver: boolean;
}

/**
 * The request pipeline. It composes the parts in the order docs/architecture.md lists and holds no policy
 * of its own: guard, route, then each target of the fallback chain under the resilience
 * executor, then the last resorts (the durable queue, a simplified answer), then the record.
 */
export class Gateway {
  private readonly pool = new AdapterPool();
  private readonly cacheStep: CacheStep;
  private readonly routeStep: RouteStep;
  private readonly budgetStep: BudgetStep | undefined;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly deps: GatewayDeps) {
    this.env = deps.env ?? process.env;
    this.cacheStep = new CacheStep(deps.cache, this.env);
    this.routeStep = new RouteStep(this.env);
    this.budgetStep = deps.budgets
      ? new BudgetStep({
          table: deps.budgets,
          modelFor: (c, p, t) => this.routeStep.modelFor(c, p, t),
          ...(deps.onBudgetSettled ? { onSettled: deps.onBudgetSettled } : {}),
          ...(deps.unpriced ? { unpriced: deps.unpriced } : {}),
          ...(deps.onUnpricedModel ? { onUnpriced: deps.onUnpricedModel } : {}),
        })
      : undefined;
  }

  async send(input: unknown, ctx: SendContext): Promise<ChatResult> {
    const started = performance.now();
    const startedAt = Date.now();
    const config = this.deps.config();
    let request: ChatRequest | undefined;
    let route: RouteInfo | undefined;
    const attempts: AttemptRecord[] = [];
    const fallbacks: string[] = [];
    try {
      const guarded = guardRequest(input, { maxPromptChars: config.maxPromptChars, guard: config.guard });
      const decision = this.routeStep.route(
        { ...guarded.request, profile: guarded.request.profile ?? config.profile },
        config,
      );
      const fit = fitContextWindow(decision.request, config.defaultMaxTokens, config.routing.contextWindow);
      const req: ChatRequest = (request = fit.request);
      route = fit.switched
        ? { ...decision.route, provider: fit.request.provider, model: fit.request.model }
        : decision.route;
      await enforceModeration(
        req,
        config.guard.moderationFeatures,
        () => this.moderationTarget(config, req),
        ctx.signal,
        (t) => this.deps.redactor.text(t),
      );
      const result = await runWithOutputGuard(
        req,
        ctx.sink,
        {
          settings: config.guard,
          inputRedacted: guarded.redacted,
          requestId: ctx.requestId,
          log: (level, msg, fields) => this.deps.logger.write(level, msg, fields),
        },
        (r, sink) =>
          this.run(
            r,
            route!,
            config,
            { ...ctx, ...(sink ? { sink } : { sink: undefined }) },
            started,
            attempts,
            fallbacks,
          ),
      );
      route = result.route ??= route;
      const trimmed = addTrims(addTrims(decision.trimmed, fit.trimmed), result.trimmed);
      if (trimmed) result.trimmed = trimmed;
      if (fit.switched) result.contextFallback = fit.switched;
      await this.record(ctx, request, startedAt, started, result, undefined, [], [], route);
      return result;
    } catch (err) {
      const data = this.errorData(err, ctx.signal);
      data.attemptLog = attempts;
      if (fallbacks.length) data.fallbacks = fallbacks;
      // A queued request is still one logical request: its row is written once, when the
      // job finally ends, not now and not at every run that finds the provider still down.
      const pending = data.code === 'queued' || (ctx.fromQueue === true && shouldQueue(data.code));
      if (!pending) await this.record(ctx, request, startedAt, started, undefined, data, attempts, fallbacks, route);
      throw new ConduitError(data);
    }
  }

  /** The cache, coalesce and budget steps (docs/architecture.md) around the upstream chain. */
  private run(
    request: ChatRequest,
    route: RouteInfo,
    config: ConduitConfig,
    ctx: SendContext,
    started: number,
    attempts: AttemptRecord[],
    fallbacks: string[],
  ): Promise<ChatResult> {
    return this.cacheStep.run(
      request,
      config,
      ctx,
      started,
      (c) => {
        const upstream = (r: ChatRequest, cover?: CoverTarget) =>
          withTeamBudget(
            this.deps.team?.budget(),
            r,
            config,
            this.env,
            (t, both) => this.runUpstream(t, config, c, started, attempts, fallbacks, both),
            cover,
          );
        return this.budgetStep ? this.budgetStep.run(request, route, config, upstream) : upstream(request);
      },
      route,
    );
  }

  /** `router/explain`: the routing decision and worst-case cost; nothing is sent. */
  explain(input: unknown): RouterExplainResult {
    const config = this.deps.config();
    return this.routeStep.explain(guardInput(input, { maxPromptChars: config.maxPromptChars }), config);
  }

  /** For warming: whether this request's answer is cached already, or could never be. Counts nothing. */
  cacheState(input: unknown): 'cached' | 'missing' | 'uncacheable' {
    const config = this.deps.config();
    // Routed first, so the model (and so the key) is the one a real send would use.
    return this.cacheStep.state(
      this.routeStep.route(guardInput(input, { maxPromptChars: config.maxPromptChars }), config).request,
      config,
    );
  }

  /** For warming: embeds the requests' prompts ahead in one batched call, routed as a send would route them. */
  cachePrime(inputs: readonly unknown[]): Promise<void> {
    const config = this.deps.config();
    return this.cacheStep.prime(
      inputs.map(
        (input) => this.routeStep.route(guardInput(input, { maxPromptChars: config.maxPromptChars }), config).request,
      ),
      config,
    );
  }

  /** The chain of targets, then the last resorts: the queue, a stale cache entry, a simplified answer. */
  private async runUpstream(
    request: ChatRequest,
    config: ConduitConfig,
    ctx: SendContext,
    started: number,
    attempts: AttemptRecord[],
    fallbacks: string[],
    cover?: CoverTarget,
  ): Promise<ChatResult> {
    const feature = request.feature ?? 'ask';
    const primaryProvider = request.provider ?? config.provider;
    const primary: Target = {
      provider: primaryProvider,
      model: request.model ?? resolveProvider(config, primaryProvider, this.env).model,
    };
    const hasKey = (p: ProviderId) =>
      resolveKey(p, this.env, this.deps.keys, request.profile ?? config.profile).source !== 'none';
    const plan = planFallbacks(
      primary,
      feature,
      fallbackInForce(config.resilience.fallback, primary.provider, hasKey, this.env),
      {
        defaultModel: (p) => this.routeStep.modelFor(config, p, request.tier),
        isCostlier: (a, b) => isCostlier(a, b, config.prices),
        hasKey,
      },
    );
    for (const skipped of plan.skipped) {
      this.deps.logger.debug('fallback skipped', {
        requestId: ctx.requestId,
        target: targetLabel(skipped.target),
        reason: skipped.reason,
      });
    }
    const deadlines = deadlinePolicy(config.resilience.timeouts, feature, request.priority);
    const policy: RunPolicy = {
      retry: retrySettings(config.resilience),
      timeouts: deadlines.timeouts,
      deadline: startDeadline(deadlines.requestMs),
      firstByteFailsOver: deadlines.firstByteFailsOver,
    };
    let seq = 0;
    const sink = ctx.sink
      ? { text: (delta: string, toolCall?: ToolCallDelta) => ctx.sink!.chunk(delta, seq++, toolCall) }
      : undefined;

    let lastError: ConduitErrorData | undefined;
    // A fallback that cannot take the request (context window, image limits) is skipped, not called.
    let unfit: ConduitErrorData | undefined;
    let calledFallback = false;
    for (const [index, target] of [primary, ...plan.targets].entries()) {
      // The budget reserved for the primary; a dearer fallback must fit too, or is not called.
      if (index > 0 && cover && !(await cover(target))) {
        this.deps.logger.info('fallback skipped', {
          requestId: ctx.requestId,
          target: targetLabel(target),
          reason: 'over budget',
        });
        continue;
      }
      const fit: FallbackFit =
        index > 0
          ? fitFallback(request, target, config.defaultMaxTokens, config.routing.contextWindow)
          : { ok: true, request };
      if (!fit.ok) {
        unfit = this.errorData(fit.error, ctx.signal, target);
        fallbacks.push(`skipped ${targetLabel(target)}: ${fit.reason}`);
        this.deps.logger.info('fallback skipped', {
          requestId: ctx.requestId,
          target: targetLabel(target),
          reason: unfit.message,
        });
        continue;
      }
      if (index > 0) {
        fallbacks.push(targetLabel(target));
        calledFallback = true;
      }
      try {
        // The last target has nothing to fail over to: it keeps retrying within the deadline.
        const failOver = policy.firstByteFailsOver && index < plan.targets.length;
        const outcome = await this.runTarget(
          target,
          fit.request,
          config,
          ctx,
          { ...policy, firstByteFailsOver: failOver },
          sink,
          started,
          attempts,
        );
        return {
          ...this.result(ctx, target.provider, outcome, started, attempts, fallbacks, config.prices),
          ...(fit.trimmed ? { trimmed: fit.trimmed } : {}),
        };
      } catch (err) {
        lastError = this.errorData(err, ctx.signal, target);
        const committed = err instanceof ResilienceError && err.reason === 'committed';
        if (committed || !shouldFallBack(lastError.code)) throw new ConduitError(lastError);
        this.deps.logger.info('falling back', {
          requestId: ctx.requestId,
          from: targetLabel(target),
          code: lastError.code,
        });
      }
    }
    const failure = lastError!;

    if (request.priority === 'background' && !ctx.fromQueue && this.deps.queue && shouldQueue(failure.code)) {
      const jobId = await this.deps.queue.enqueue(request, failure);
      fallbacks.push('queued');
      throw new ConduitError({
        ...failure,
        code: 'queued',
        jobId,
        message: `${failure.message} The request was queued as ${jobId} and will run when the provider recovers; see \`conduit jobs\`.`,
      });
    }
    const stale =
      config.resilience.fallback.staleCache && !ctx.fromQueue && shouldDegrade(failure.code)
        ? this.cacheStep.stale(request, config, ctx, started, attempts, fallbacks)
        : undefined;
    if (stale) {
      this.deps.logger.warn('stale cache answer', { requestId: ctx.requestId, code: failure.code });
      return stale;
    }
    if (
      config.resilience.fallback.simplifiedResponse &&
      !ctx.fromQueue &&
      !ctx.noSimplified &&
      shouldDegrade(failure.code)
    ) {
      fallbacks.push('simplified');
      const text = degradedAnswer(primary, attempts, failure);
      sink?.text(text);
      const result = this.result(
        ctx,
        primary.provider,
        { text, model: primary.model, usage: emptyUsage(), stopReason: null, headers: {}, ttftMs: null },
        started,
        attempts,
        fallbacks,
      );
      result.degraded = { code: failure.code, message: failure.message };
      result.costUsd = 0;
      this.deps.logger.warn('degraded answer', { requestId: ctx.requestId, code: failure.code });
      return result;
    }
    // Every fallback was skipped as unfit: the limit that ruled them out is the clearer error.
    throw new ConduitError(unfit && !calledFallback ? unfit : failure);
  }

  /** One provider/model under the executor: breaker, attempts with timeouts, retries. */
  private async runTarget(
    target: Target,
    request: ChatRequest,
    config: ConduitConfig,
    ctx: SendContext,
    policy: RunPolicy,
    sink: StreamSink | undefined,
    started: number,
    attempts: AttemptRecord[],
  ): Promise<CallOutcome> {
    const profile = request.profile ?? config.profile;
    const candidates =
      this.deps.keys?.candidates(target.provider, profile, this.env) ?? keyFromEnv(target.provider, this.env);
    return withKeyRotation(
      target.provider,
      candidates,
      keyRequired(target.provider),
      (key) => this.runTargetWithKey(target, request, config, ctx, policy, sink, started, attempts, key),
      { onRejected: (rejected, next) => this.keyRejected(ctx, target.provider, profile, rejected, next) },
      ctx.signal,
    );
  }

  /** A key the provider refused is skipped from now on; the alert says which, by id only. */
  private keyRejected(
    ctx: SendContext,
    provider: ProviderId,
    profile: string,
    rejected: KeyCandidate,
    next: KeyCandidate | undefined,
  ): void {
    this.deps.keys?.markRejected(rejected.key);
    this.deps.logger.warn('key rejected', {
      requestId: ctx.requestId,
      provider,
      profile,
      keyId: rejected.id,
      origin: rejected.origin,
      nextKeyId: next?.id ?? null,
    });
    this.deps.onKeyRejected?.({ provider, profile, keyId: rejected.id, origin: rejected.origin, nextKeyId: next?.id });
  }

  private moderationTarget(
    config: ConduitConfig,
    request: ChatRequest,
  ): { apiKey: string; baseURL: string } | undefined {
    const { key } = resolveKey('openai', this.env, this.deps.keys, request.profile ?? config.profile);
    return key ? { apiKey: key, baseURL: resolveProvider(config, 'openai', this.env).baseURL } : undefined;
  }

  private async runTargetWithKey(
    target: Target,
    request: ChatRequest,
    config: ConduitConfig,
    ctx: SendContext,
    policy: RunPolicy,
    sink: StreamSink | undefined,
    started: number,
    attempts: AttemptRecord[],
    key: string | undefined,
  ): Promise<CallOutcome> {
    const resolved = resolveProvider(config, target.provider, this.env);
    const adapter = this.adapterFor(
      target.provider,
      key,
      resolved.baseURL,
      config.resilience.timeouts.connectMs,
      resolved.platform,
    );
    const providerRequest: ProviderRequest = {
      model: target.model,
      messages: request.messages,
      maxTokens: request.max_tokens ?? config.defaultMaxTokens,
      ...(request.system !== undefined ? { system: request.system } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(cacheSystemPrompt(target.provider, request.system, config) ? { cacheSystem: true } : {}),
      ...apiFieldsOf(request),
    };
    // Each target's own image limits, checked before its first attempt.
    checkImageSizes(request.messages, target.provider);
    // Rate limit: a request over a whole minute's allowance fails here, before any attempt; each
    // attempt (a retry too) then waits for capacity with its own signal.
    const estimate = {
      input: estimateInputTokens(request.messages, request.system),
      output: outputLimit(providerRequest.maxTokens, request.reasoningEffort),
    };
    const limiter = await limiterThatFits(this.deps.rateLimiter, target, key, estimate, adapter, ctx.signal);
    const limit = { priority: request.priority ?? 'interactive', deadlineAt: policy.deadline.at } as const;
    try {
      const { value, attempts: made } = await executeWithRetry(
        (attempt) =>
          limitedCall(limiter, estimate, { ...limit, signal: attempt.signal }, () =>
            this.deps.team
              ? this.deps.team.limited(
                  target.provider,
                  key,
                  attempt.signal,
                  () => callProvider(adapter, providerRequest, attempt, sink, started),
                  estimate,
                )
              : callProvider(adapter, providerRequest, attempt, sink, started),
          ),
        {
          provider: target.provider,
          model: target.model,
          mode: sink ? 'stream' : 'call',
          retry: policy.retry,
          timeouts: policy.timeouts,
          deadline: policy.deadline,
          firstByteFailsOver: policy.firstByteFailsOver,
          breaker: this.deps.breakers.get(target.provider, target.model),
          log: (event, fields) =>
            this.deps.logger.write(event === 'retry' || event === 'attempt_failed' ? 'info' : 'warn', event, {
              requestId: ctx.requestId,
              ...fields,
            }),
        },
        ctx.signal,
      );
      attempts.push(...made);
      return value;
    } catch (err) {
      if (err instanceof ResilienceError) attempts.push(...err.attempts);
      throw err;
    }
  }

  private result(
    ctx: SendContext,
    provider: ProviderId,
    outcome: CallOutcome,
    started: number,
    attempts: AttemptRecord[],
    fallbacks: string[],
    prices?: PriceOverrides,
  ): ChatResult {
    const cost = billedCostOf(provider, outcome.model, outcome.usage, prices);
    return {
      requestId: ctx.requestId,
      text: outcome.text,
      provider,
      model: outcome.model,
      usage: outcome.usage,
      stopReason: outcome.stopReason,
      latencyMs: round(performance.now() - started),
      ttftMs: outcome.ttftMs === null ? null : round(outcome.ttftMs),
      attempts: attempts.length,
      attemptLog: [...attempts],
      cache: 'none',
      fallbacks: [...fallbacks],
      costUsd: cost.usd,
      ...(cost.assumedFrom !== undefined ? { costAssumedFrom: cost.assumedFrom } : {}),
      ...(outcome.responseId !== undefined ? { responseId: outcome.responseId } : {}),
      ...(outcome.toolCalls?.length ? { toolCalls: outcome.toolCalls } : {}),
      ...(outcome.adjusted?.length ? { adjusted: outcome.adjusted } : {}),
    };
  }

  private adapterFor(
    id: ProviderId,
    key: string | undefined,
    baseURL: string,
    connectTimeoutMs: number,
    platform?: PlatformSettings,
  ): ProviderAdapter {
    this.deps.redactor.addSecret(key);
    // No key: a local server (its adapter puts in a placeholder) or a platform's own credential chain.
    return this.pool.get(id, baseURL, key ?? '', connectTimeoutMs, platform);
  }

  private errorData(err: unknown, signal: AbortSignal, target?: Target): ConduitErrorData {
    const model = target?.model;
    if (signal.aborted)
      return {
        code: 'cancelled',
        message: 'The request was cancelled.',
        ...(target ? { provider: target.provider, model: target.model } : {}),
      };
    if (err instanceof ConduitError) {
      const data = { ...err.data, message: this.deps.redactor.text(err.data.message) };
      if (model !== undefined && data.model === undefined) data.model = model;
      return data;
    }
    this.deps.logger.error('unexpected gateway error', {
      err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err),
    });
    return {
      code: 'internal',
      message: `Conduit hit an internal error: ${this.deps.redactor.text(err instanceof Error ? err.message : String(err))}. See the daemon log.`,
      ...(target ? { provider: target.provider, model: target.model } : {}),
    };
  }

  /** Exactly one ledger row and one log line per logical request, whatever happened. */
  private async record(
    ctx: SendContext,
    request: ChatRequest | undefined,
    startedAt: number,
    started: number,
    result: ChatResult | undefined,
    error: ConduitErrorData | undefined,
    attempts: AttemptRecord[] = [],
    fallbacks: string[] = [],
    route?: RouteInfo,
  ): Promise<void> {
    const sample = sampleOf(
      request,
      result?.text ?? error?.partialText,
      this.deps.config().sampling,
      this.deps.redactor,
    );
    const prices = this.deps.config().prices;
    const record = buildRecord({
      ctx,
      request,
      startedAt,
      latencyMs: round(performance.now() - started),
      result,
      error,
      attempts,
      fallbacks,
      sample,
      ...(route ? { route } : {}),
      ...(prices ? { prices } : {}),
    });
    let recorded = false;
    if (this.deps.recorder) recorded = (await this.deps.recorder.record(record)).recorded;
    // After the reply is on its way: the line (deep redaction, JSON, a write) is not what a crash
    // must keep, the ledger row is, and it cost the reply tens of µs (bench/profile.ts).
    setImmediate(() => this.deps.logger.info('request', { ...record, sample: undefined, recorded }));
  }
}

/** Anthropic prompt caching pays off for a long system prompt that repeats across requests. */
function cacheSystemPrompt(provider: ProviderId, system: string | undefined, config: ConduitConfig): boolean {
  const caching = config.routing.promptCaching;
  return (
    provider === 'anthropic' &&
    caching.enabled &&
    system !== undefined &&
    estimateInputTokens([], system) >= caching.minSystemTokens
  );
}
