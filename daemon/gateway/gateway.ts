import {
  ConduitError,
  emptyUsage,
  type AttemptRecord,
  type ChatRequest,
  type ChatResult,
  type ConduitErrorData,
  type ProviderId,
  type RouteInfo,
  type RouterExplainResult,
  type ToolCallDelta,
} from '../../protocol';
import { resolveProvider, type ConduitConfig } from '../config/config';
import { fitContextWindow } from '../router/contextWindow';
import { addTrims } from '../router/contextTrim';
import { checkImageSizes } from '../guard/imageCheck';
import { guardInput, guardRequest } from '../guard/inputGuard';
import { enforceModeration } from '../guard/moderation';
import { runWithOutputGuard } from '../guard/outputStep';
import { outputLimit } from '../providers/reasoningBudget';
import type { PlatformSettings, ProviderAdapter, ProviderRequest } from '../providers/types';
import { estimateInputTokens } from '../ratelimit/tokenEstimate';
import { degradedAnswer } from '../resilience/degradedAnswer';
import { executeWithRetry } from '../resilience/executeWithRetry';
import { fallbackInForce } from '../resilience/defaultChain';
import { deadlinePolicy } from '../resilience/interactiveDeadlines';
import { planFallbacks, targetLabel, type Target } from '../resilience/fallbackPlan';
import { ResilienceError } from '../resilience/resilienceError';
import { retrySettings, startDeadline } from '../resilience/resilienceSettings';
import type { KeyCandidate } from '../secrets/keyRing';
import { keyFromEnv, resolveKey } from '../secrets/keySource';
import { keyRequired } from '../secrets/credentialKind';
import { withKeyRotation } from '../secrets/keyRotation';
import { isCostlier } from '../usage/pricing';
import { AdapterPool } from './adapterPool';
import { callResult } from './callResult';
import { toErrorData } from './errorData';
import type { GatewayDeps, RunPolicy, SendContext } from './gatewayTypes';
import { recordRequest } from './recordRequest';
import { apiFieldsOf } from './apiFields';
import { BudgetStep, type CoverTarget } from './budgetStep';
import { CacheStep } from './cacheStep';
import { fitFallback, type FallbackFit } from './fallbackFit';
import { shouldDegrade, shouldFallBack, shouldQueue } from './fallbackRules';
import { limitedCall } from './limitedCall';
import { limiterThatFits } from './learnLimits';
import { callProvider, type CallOutcome, type StreamSink } from './providerCall';
import { RouteStep } from './routeStep';
import { withTeamBudget } from './teamSteps';

export type { ChatSink, GatewayDeps, SendContext } from './gatewayTypes';

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
      await recordRequest(this.deps, { ctx, request, startedAt, started, result, route });
      return result;
    } catch (err) {
      const data = toErrorData(err, ctx.signal, this.deps);
      data.attemptLog = attempts;
      if (fallbacks.length) data.fallbacks = fallbacks;
      // A queued request is still one logical request: its row is written once, when the
      // job finally ends, not now and not at every run that finds the provider still down.
      const pending = data.code === 'queued' || (ctx.fromQueue === true && shouldQueue(data.code));
      if (!pending)
        await recordRequest(this.deps, { ctx, request, startedAt, started, error: data, attempts, fallbacks, route });
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
        unfit = toErrorData(fit.error, ctx.signal, this.deps, target);
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
          ...callResult(ctx, target.provider, outcome, started, attempts, fallbacks, config.prices),
          ...(fit.trimmed ? { trimmed: fit.trimmed } : {}),
        };
      } catch (err) {
        lastError = toErrorData(err, ctx.signal, this.deps, target);
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
      const result = callResult(
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
