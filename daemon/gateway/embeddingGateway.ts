import { ConduitError, emptyUsage, type ConduitErrorData, type GuardRedaction, type ProviderId } from '../../protocol';
import { EmbeddingCache } from '../cache/embeddingCache';
import { ttlFor } from '../cache/cacheSettings';
import { FlightCancelled, SingleFlight } from '../cache/singleFlight';
import { resolveProvider, type ConduitConfig } from '../config/config';
import { guardEmbeddingInputs } from '../guard/embeddingGuard';
import { enforceModeration } from '../guard/moderation';
import type { Redactor } from '../guard/redact';
import type { LogFn } from '../log/logFn';
import { embeddingProvider, type EmbeddingAnswer } from '../providers/embeddingProvider';
import type { ProviderLimiter, TokenCount } from '../ratelimit/providerLimiter';
import type { RateLimiter } from '../ratelimit/rateLimiter';
import { CHARS_PER_TOKEN } from '../ratelimit/tokenEstimate';
import type { BreakerRegistry } from '../resilience/breakerRegistry';
import { executeWithRetry } from '../resilience/executeWithRetry';
import { embeddingRowFor } from './embeddingRow';
import { failureReport } from './limitedCall';
import { deadlinePolicy } from '../resilience/interactiveDeadlines';
import { ResilienceError } from '../resilience/resilienceError';
import { retrySettings, startDeadline, type Deadline } from '../resilience/resilienceSettings';
import type { KeyRing } from '../secrets/keyRing';
import { keyFromEnv, resolveKey } from '../secrets/keySource';
import { withKeyRotation } from '../secrets/keyRotation';
import type { BudgetRefusal, BudgetTable, Reservation } from '../usage/budgetTable';
import { embeddingCostUsd, embeddingRate, embeddingTokensUpperBound } from '../usage/embeddingPrice';
import { formatUsd } from '../usage/pricing';
import type { RequestRecord, RequestRecorder } from '../usage/requestRecord';
import { loadChunk } from '../platform/codeChunk';

export interface EmbeddingGatewayDeps {
  config: () => ConduitConfig;
  redactor: Redactor;
  recorder: RequestRecorder;
  budgets: BudgetTable;
  rateLimiter?: RateLimiter;
  breakers: BreakerRegistry;
  keys?: KeyRing;
  log: LogFn;
  env?: NodeJS.ProcessEnv;
  /** After a budgeted request settles: the daemon checks the budget warnings. */
  onBudgetSettled?: () => void;
}

export interface EmbedRequest {
  /** As the client named it: `text-embedding-3-small`, `gemini/gemini-embedding-001`… */
  model: string;
  inputs: string[];
  /** Shortened vectors, for the models that offer them (OpenAI's `dimensions`, Gemini's outputDimensionality). */
  dimensions?: number;
  requestId: string;
  feature: string;
  clientName: string;
  signal: AbortSignal;
}

export interface EmbedResult {
  vectors: number[][];
  model: string;
  provider: ProviderId;
  promptTokens: number;
  cache: 'none' | 'exact';
  costUsd: number | null;
  /** What the input guard removed from the inputs before they were sent; empty when nothing was. */
  redacted?: GuardRedaction[];
}

/** A cache miss, as the flight (or the request alone) runs it. */
interface Miss {
  req: EmbedRequest;
  provider: 'openai' | 'gemini';
  model: string;
  key: string;
  config: ConduitConfig;
  rate: ReturnType<typeof embeddingRate>;
  row: (fields: Partial<RequestRecord>) => RequestRecord;
}

/** An error whose ledger row is written already: it is passed on, not recorded again. */
class Recorded extends Error {
  constructor(readonly error: ConduitError) {
    super(error.message);
  }
}

/**
 * Embeddings under the policies chat requests meet (docs/local-endpoint.md): the exact cache,
 * a budget reservation of the worst case, the provider's rate limiter, the breaker, attempts
 * with timeouts and retries that honour Retry-After, key rotation, and one ledger row. Kept
 * apart from the chat Gateway: an embedding has no route, stream, fallback chain or output guard.
 */
export class EmbeddingGateway {
  private readonly cache: EmbeddingCache;
  private readonly env: NodeJS.ProcessEnv;
  private readonly flights = new SingleFlight<EmbedResult>();

  constructor(private readonly deps: EmbeddingGatewayDeps) {
    this.env = deps.env ?? process.env;
    const bounds = deps.config().cache;
    // A quarter of the response cache's bounds, fixed at start as those are.
    this.cache = new EmbeddingCache({
      maxEntries: Math.max(1, Math.floor(bounds.maxEntries / 4)),
      maxBytes: Math.max(1024, Math.floor(bounds.maxBytes / 4)),
    });
  }

  async embed(req: EmbedRequest): Promise<EmbedResult> {
    const config = this.deps.config();
    const { provider, model } = embeddingProvider(req.model);
    const rate = embeddingRate(provider, model, config.prices);
    const row = embeddingRowFor(req, provider, model, config.profile, rate.assumed);
    try {
      const guarded = guardEmbeddingInputs(req.inputs, req.feature, {
        maxPromptChars: config.maxPromptChars,
        guard: config.guard,
      });
      const redacted = guarded.redacted;
      await this.moderate(guarded.inputs, req, config);
      const inputs = guarded.inputs;
      const key = EmbeddingCache.key(provider, model, inputs, req.dimensions);
      const hit = config.cache.enabled ? this.cache.get(key) : undefined;
      if (hit) {
        await this.deps.recorder.record(row({ cache: 'exact', costSavedUsd: hit.costUsd ?? 0 }));
        return { ...hit, provider, cache: 'exact', costUsd: 0, redacted };
      }
      const miss: Miss = { req: { ...req, inputs }, provider, model, key, config, rate, row };
      if (!config.cache.enabled || !config.cache.coalesce) return { ...(await this.miss(miss)), redacted };
      return { ...(await this.coalesced(miss)), redacted };
    } catch (err) {
      if (err instanceof Recorded) throw err.error;
      const data = this.errorData(err, req.signal, provider, model);
      await this.deps.recorder.record(row({ errorCode: data.code, httpStatus: data.status ?? null }));
      throw new ConduitError(data);
    }
  }

  /**
   * Identical requests in flight share one upstream call, as chat requests do: the first leads
   * and its row carries the call; the call runs under the flight's signal, which aborts only when
   * every caller has gone. A follower's row spent nothing and says it was coalesced.
   */
  private async coalesced(m: Miss): Promise<EmbedResult> {
    const { leader, result } = this.flights.run(m.key, m.req.signal, undefined, (signal) =>
      this.miss({ ...m, req: { ...m.req, signal } }),
    );
    if (!leader)
      this.deps.log('debug', 'embeddings joined a request in flight', {
        requestId: m.req.requestId,
        feature: m.req.feature,
      });
    try {
      const value = await result;
      if (leader) return value;
      await this.deps.recorder.record(m.row({ coalesced: true }));
      return { ...value, costUsd: 0 };
    } catch (err) {
      if (err instanceof FlightCancelled)
        this.deps.log('debug', 'embeddings caller left a request in flight', {
          requestId: m.req.requestId,
          leader,
        });
      // The leader's row is the flight's, written when the call ends, even if this caller left.
      if (leader) throw new Recorded(this.errorOf(err, m));
      // A follower writes its own row (in embed), with the shared call's error or its own cancellation.
      throw err instanceof Recorded ? err.error : err;
    }
  }

  /** A cache miss: the budget, the call, the cache and the row (its own, success or failure). */
  private async miss(m: Miss): Promise<EmbedResult> {
    const { req, provider, model, config, rate, row } = m;
    let attempts = 0;
    try {
      const reservation = this.reserve(
        req.feature,
        provider,
        model,
        embeddingCostUsd(rate, embeddingTokensUpperBound(req.inputs)),
      );
      let answer: EmbeddingAnswer;
      try {
        answer = await this.upstream(provider, model, req, config, (n) => (attempts = n));
      } catch (err) {
        this.deps.budgets.release(reservation);
        throw err;
      } finally {
        this.deps.onBudgetSettled?.();
      }
      const costUsd = embeddingCostUsd(rate, answer.promptTokens);
      this.deps.budgets.settle(reservation, costUsd);
      if (config.cache.enabled) this.cache.set(m.key, { ...answer, costUsd }, ttlFor(config.cache, req.feature));
      await this.deps.recorder.record(
        row({ usage: { ...emptyUsage(), input_tokens: answer.promptTokens }, costUsd, attempts }),
      );
      return { ...answer, provider, cache: 'none', costUsd };
    } catch (err) {
      const data = this.errorData(err, req.signal, provider, model);
      await this.deps.recorder.record(row({ errorCode: data.code, httpStatus: data.status ?? null, attempts }));
      throw new Recorded(new ConduitError(data));
    }
  }

  private errorOf(err: unknown, m: Miss): ConduitError {
    if (err instanceof Recorded) return err.error;
    if (err instanceof ConduitError) return err;
    return new ConduitError(this.errorData(err, m.req.signal, m.provider, m.model));
  }

  /** Moderation, for the features in `guard.moderationFeatures`, as for a chat prompt: before anything is spent. */
  private async moderate(inputs: readonly string[], req: EmbedRequest, config: ConduitConfig): Promise<void> {
    const features = config.guard.moderationFeatures;
    if (!features.includes(req.feature)) return;
    await enforceModeration(
      { feature: req.feature, messages: inputs.map((content) => ({ content })) },
      features,
      () => {
        const { key } = resolveKey('openai', this.env, this.deps.keys, config.profile);
        return key ? { apiKey: key, baseURL: resolveProvider(config, 'openai', this.env).baseURL } : undefined;
      },
      req.signal,
      (t) => this.deps.redactor.text(t),
    );
  }

  private reserve(feature: string, provider: ProviderId, model: string, usd: number): Reservation {
    const outcome = this.deps.budgets.tryReserve(feature, usd);
    if (outcome.ok) return outcome.reservation;
    throw new ConduitError({
      code: 'budget_exceeded',
      provider,
      model,
      message: refusalMessage(outcome.refusal, feature, provider, model),
    });
  }

  /** The key candidates in turn (a refused key is skipped), each under the limiter and the executor. */
  private upstream(
    provider: 'openai' | 'gemini',
    model: string,
    req: EmbedRequest,
    config: ConduitConfig,
    onAttempts: (n: number) => void,
  ): Promise<EmbeddingAnswer> {
    const candidates = this.deps.keys?.candidates(provider, config.profile, this.env) ?? keyFromEnv(provider, this.env);
    const { baseURL } = resolveProvider(config, provider, this.env);
    const deadlines = deadlinePolicy(config.resilience.timeouts, req.feature, 'interactive');
    const deadline = startDeadline(deadlines.requestMs);
    let made = 0;
    return withKeyRotation(
      provider,
      candidates,
      true,
      async (apiKey) => {
        this.deps.redactor.addSecret(apiKey);
        const limiter = this.deps.rateLimiter?.limiterFor(provider, apiKey);
        // Close to the provider's own count, for the buckets; the budget reserved the upper bound.
        const estimate = {
          input: Math.ceil(req.inputs.reduce((n, t) => n + t.length, 0) / CHARS_PER_TOKEN),
          output: 0,
        };
        limiter?.assertCanEverFit(estimate);
        try {
          const { value, attempts } = await executeWithRetry(
            (attempt) =>
              limited(limiter, estimate, deadline, attempt.signal, async () =>
                (
                  await loadChunk('the embeddings code', () => import('../providers/upstreamEmbeddings'))
                ).upstreamEmbeddings(
                  provider,
                  model,
                  req.inputs,
                  { apiKey: apiKey ?? '', baseURL },
                  attempt.signal,
                  req.dimensions,
                ),
              ),
            {
              provider,
              model,
              mode: 'call',
              retry: retrySettings(config.resilience),
              timeouts: deadlines.timeouts,
              deadline,
              breaker: this.deps.breakers.get(provider, model),
              log: (event, fields) =>
                this.deps.log(event === 'retry' || event === 'attempt_failed' ? 'info' : 'warn', event, {
                  requestId: req.requestId,
                  ...fields,
                }),
            },
            req.signal,
          );
          onAttempts((made += attempts.length));
          return value;
        } catch (err) {
          if (err instanceof ResilienceError) onAttempts((made += err.attempts.length));
          throw err;
        }
      },
      {
        onRejected: (rejected, next) => {
          this.deps.keys?.markRejected(rejected.key);
          this.deps.log('warn', 'key rejected', {
            requestId: req.requestId,
            provider,
            keyId: rejected.id,
            nextKeyId: next?.id ?? null,
          });
        },
      },
      req.signal,
    );
  }

  private errorData(err: unknown, signal: AbortSignal, provider: ProviderId, model: string): ConduitErrorData {
    if (signal.aborted) return { code: 'cancelled', message: 'The request was cancelled.', provider, model };
    if (err instanceof ConduitError)
      return { ...err.data, message: this.deps.redactor.text(err.data.message), provider, model };
    this.deps.log('error', 'unexpected embeddings error', {
      err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err),
    });
    return {
      code: 'internal',
      message: 'Conduit hit an internal error making the embeddings; see the daemon log (`conduit logs`).',
      provider,
      model,
    };
  }
}

/**
 * One attempt under the rate limit: capacity first (at once when there is headroom, else in the
 * queue), then the call; the permit settles with the tokens used and the response's headers, or
 * fails with the error's (a 429 with a hint pauses the provider and key for everyone).
 */
async function limited(
  limiter: ProviderLimiter | undefined,
  estimate: TokenCount,
  deadline: Deadline,
  signal: AbortSignal,
  call: () => Promise<EmbeddingAnswer>,
): Promise<EmbeddingAnswer> {
  if (!limiter) return call();
  const permit =
    limiter.tryAcquire(estimate, 'interactive') ??
    (await limiter.acquire(estimate, { priority: 'interactive', signal, deadlineAt: deadline.at }));
  try {
    const answer = await call();
    permit.settle({ input: answer.promptTokens, output: 0 }, answer.headers);
    return answer;
  } catch (err) {
    permit.fail(failureReport(err));
    throw err;
  }
}

function refusalMessage(r: BudgetRefusal, feature: string, provider: ProviderId, model: string): string {
  const which = `${r.scope === 'global' ? 'the' : `feature ${feature}'s`} ${r.period === 'day' ? 'daily' : 'monthly'} budget of ${formatUsd(r.limitUsd)}`;
  return `These embeddings could cost up to ${formatUsd(r.neededUsd)} on ${provider}/${model}, more than is left of ${which}: ${formatUsd(r.remainingUsd)} left. It resets at ${new Date(r.resetsAt).toISOString()}. Raise budgets in config.json or send fewer inputs.`;
}
