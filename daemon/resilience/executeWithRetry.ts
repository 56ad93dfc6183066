import { ConduitError, type AttemptRecord, type ConduitErrorData, type ProviderId } from '../../protocol';
import { abortedError } from '../providers/commonErrors';
import { UpstreamError } from '../providers/types';
import { runAttempt, type AttemptContext, type AttemptOutcome } from './attemptRunner';
import { AttemptTimeout, timeoutPhaseOf, timeoutUpstreamError } from './attemptTimeout';
import type { CircuitBreaker } from './circuitBreaker';
import { classifyCode, providerName, toErrorData } from './classify';
import { formatDuration } from './duration';
import { ResilienceError, type FailureReason } from './resilienceError';
import type { AttemptTimeouts, Deadline, RetrySettings } from './resilienceSettings';
import { retryVerdict } from './retryDecision';
import { retryWait } from './retryWait';
import { sleep } from './sleep';
import { systemTimers, type Timers } from './timers';

export type { AttemptContext } from './attemptRunner';

export type ResilienceEvent = 'attempt_failed' | 'timeout' | 'retry' | 'give_up' | 'circuit_open';
/** Every timeout and every retry decision, with provider, model, attempt and phase. */
export type ResilienceLog = (event: ResilienceEvent, fields: Record<string, unknown>) => void;

export interface ExecuteOptions {
  provider: ProviderId;
  model: string;
  /** 'stream' when the attempt reads a stream through ctx.guard; 'call' for one response. */
  mode: 'stream' | 'call';
  retry: RetrySettings;
  timeouts: AttemptTimeouts;
  /** The whole request's deadline, shared by every provider/model of the fallback chain. */
  deadline?: Deadline;
  /**
   * A first-byte timeout ends this provider/model's run instead of retrying it: a provider that
   * accepts connections and never answers would otherwise hold an interactive request through
   * every retry (resilience/interactiveDeadlines.ts).
   */
  firstByteFailsOver?: boolean;
  breaker?: CircuitBreaker;
  timers?: Timers;
  /** In [0, 1), for the jitter; seeded in tests. */
  random?: () => number;
  log?: ResilienceLog;
}

export interface ExecuteResult<T> {
  value: T;
  attempts: AttemptRecord[];
}

/**
 * One provider/model, tried until it answers or there is no point going on: breaker check, the
 * attempt under its timeouts, classification, the retry decision, an abortable wait, again.
 * Fails with a ResilienceError that carries the classified error, the reason and every attempt.
 */
export async function executeWithRetry<T>(
  attemptFn: (ctx: AttemptContext) => Promise<T>,
  options: ExecuteOptions,
  callerSignal: AbortSignal,
): Promise<ExecuteResult<T>> {
  const timers = options.timers ?? systemTimers;
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => undefined);
  const { provider, model, breaker, deadline } = options;
  const attempts: AttemptRecord[] = [];
  const fail = failureBuilder(options, attempts, log, timers);
  let spentMs = 0;
  /** The last attempt's failure: when our own attempts open the circuit, it is the real error. */
  let lastUpstream: UpstreamError | undefined;
  let delayMs = 0;

  for (let attempt = 1; ; attempt++) {
    if (callerSignal.aborted) throw fail.cancelled();
    if (deadline && deadline.at <= timers.now()) {
      throw fail.upstream('deadline', timeoutUpstreamError(provider, new AttemptTimeout('deadline', deadline.totalMs)));
    }
    const permit = breaker ? breaker.tryAcquire() : undefined;
    if (breaker && !permit) throw fail.circuitOpen(breaker, lastUpstream);

    const started = timers.now();
    const outcome = await runAttempt(attemptFn, {
      provider,
      attempt,
      mode: options.mode,
      timeouts: options.timeouts,
      timers,
      callerSignal,
      ...(deadline ? { deadline } : {}),
    });
    const durationMs = timers.now() - started;
    if (outcome.ok) {
      permit?.success();
      attempts.push({ provider, model, delayMs, durationMs });
      return { value: outcome.value, attempts };
    }

    const upstream = callerSignal.aborted ? undefined : toUpstream(outcome, provider);
    if (upstream) lastUpstream = upstream;
    if (!upstream) {
      permit?.release();
      // A ConduitError here is Conduit's own refusal (the rate limiter's queue_full or rate_limited).
      const error = callerSignal.aborted
        ? 'cancelled'
        : outcome.error instanceof ConduitError
          ? outcome.error.code
          : 'internal';
      attempts.push({ provider, model, error, delayMs, durationMs });
      throw callerSignal.aborted ? fail.cancelled() : fail.internal(outcome.error);
    }
    const code = classifyCode(upstream);
    if (code === 'cancelled') permit?.release();
    else permit?.failure(code);
    attempts.push({
      provider,
      model,
      error: code,
      ...(upstream.status !== undefined ? { status: upstream.status } : {}),
      delayMs,
      durationMs,
    });

    const phase = timeoutPhaseOf(upstream);
    const fields = { provider, model, attempt, code, status: upstream.status, durationMs };
    if (upstream.kind === 'timeout') log('timeout', { ...fields, phase: phase ?? 'sdk', message: upstream.message });
    log('attempt_failed', { ...fields, ...(phase ? { phase } : {}), message: upstream.message });

    if (outcome.committed) throw fail.upstream('committed', upstream);
    if (phase === 'deadline') throw fail.upstream('deadline', upstream);
    if (phase === 'first byte' && options.firstByteFailsOver) throw fail.upstream('first_byte', upstream);
    const verdict = retryVerdict(upstream, { committed: outcome.committed });
    if (!verdict.retry) throw fail.upstream(code === 'cancelled' ? 'cancelled' : 'not_retryable', upstream);
    if (attempt >= options.retry.maxAttempts) throw fail.upstream('attempts_exhausted', upstream);

    const wait = retryWait({
      err: upstream,
      retryIndex: attempt - 1,
      backoff: options.retry,
      budgetMs: options.retry.retryBudgetMs,
      spentMs,
      ...(deadline ? { deadlineLeftMs: deadline.at - timers.now() } : {}),
      now: timers.now(),
      random,
    });
    if (wait.kind === 'give_up')
      throw fail.upstream(
        wait.reason,
        upstream,
        wait.message,
        wait.reason === 'hint_over_budget' ? wait.waitMs : undefined,
      );
    // An open circuit that will still be open after the wait: fall back now rather than wait for a refusal.
    const circuit = breaker?.snapshot();
    if (breaker && circuit?.state === 'open' && (circuit.nextProbeAt ?? 0) > timers.now() + wait.ms)
      throw fail.circuitOpen(breaker, upstream);

    log('retry', {
      provider,
      model,
      attempt: attempt + 1,
      code,
      why: verdict.why,
      delayMs: wait.ms,
      source: wait.source,
      ...(wait.source === 'hint' ? { hint: wait.hint } : {}),
      ...(wait.source === 'backoff' && wait.ignoredHint ? { ignoredHint: wait.ignoredHint } : {}),
    });
    try {
      await sleep(wait.ms, callerSignal, timers);
    } catch {
      throw fail.cancelled();
    }
    spentMs += wait.ms;
    delayMs = wait.ms;
  }
}

/** The failure as an UpstreamError; undefined when it was no upstream failure at all (a bug). */
function toUpstream(
  outcome: Extract<AttemptOutcome<unknown>, { ok: false }>,
  provider: ProviderId,
): UpstreamError | undefined {
  const { abortReason, error, partialText } = outcome;
  if (abortReason instanceof AttemptTimeout)
    return timeoutUpstreamError(provider, abortReason, partialText || partialOf(error));
  if (error instanceof UpstreamError) {
    if (!error.partialText && partialText) error.partialText = partialText;
    return error;
  }
  return abortReason !== undefined ? abortedError(provider, error) : undefined;
}

function partialOf(err: unknown): string | undefined {
  return err instanceof UpstreamError ? err.partialText : undefined;
}

function failureBuilder(options: ExecuteOptions, attempts: AttemptRecord[], log: ResilienceLog, timers: Timers) {
  const { provider, model } = options;
  const name = providerName(provider);
  const done = (
    reason: FailureReason,
    data: ConduitErrorData,
    upstream?: UpstreamError,
    cause?: unknown,
  ): ResilienceError => {
    log('give_up', { provider, model, reason, code: data.code, attempts: attempts.length });
    return new ResilienceError(data, reason, attempts, upstream, cause ?? upstream);
  };
  return {
    cancelled: () => done('cancelled', { code: 'cancelled', message: 'The request was cancelled.', provider, model }),

    /**
     * The circuit refuses the next attempt. When this request's own attempts were sent (and
     * opened it), the error is theirs, with a note on the circuit; otherwise nothing was sent.
     */
    circuitOpen(breaker: CircuitBreaker, lastUpstream?: UpstreamError): ResilienceError {
      const s = breaker.snapshot();
      const now = timers.now();
      const why = s.lastFailure ? ` after repeated ${s.lastFailure} failures` : '';
      const when =
        s.state === 'half-open'
          ? 'a probe request is checking whether it has recovered'
          : `it will be tried again in ${formatDuration(Math.max(0, (s.nextProbeAt ?? now) - now))}`;
      log('circuit_open', { provider, model, state: s.state, nextProbeAt: s.nextProbeAt, lastFailure: s.lastFailure });
      if (attempts.length > 0 && lastUpstream) {
        const data = toErrorData(lastUpstream, model);
        data.message += ` After ${attempts.length} failed attempt${attempts.length === 1 ? '' : 's'}, the circuit for ${name} ${model} is open, so Conduit stops sending it requests for now; ${when}.`;
        return done('circuit_open', data, lastUpstream);
      }
      return done('circuit_open', {
        code: 'circuit_open',
        message: `${name} ${model} is failing${why}, so Conduit stopped sending it requests for now; ${when}. Nothing was sent.`,
        provider,
        model,
        ...(s.state === 'open' && s.nextProbeAt !== null ? { retryAfterMs: Math.max(0, s.nextProbeAt - now) } : {}),
      });
    },

    upstream(reason: FailureReason, upstream: UpstreamError, prefix?: string, waitMs?: number): ResilienceError {
      const data = toErrorData(upstream, model);
      if (reason === 'committed') {
        data.code = 'stream_interrupted';
        data.message +=
          ' Part of the answer had already reached the client, so it was not retried; the partial text is incomplete.';
        data.partialText = upstream.partialText ?? '';
      }
      if (prefix) data.message = `${prefix} ${data.message}`;
      if (waitMs !== undefined) data.retryAfterMs = waitMs;
      if (reason === 'attempts_exhausted') data.message += ` Gave up after ${attempts.length} attempts.`;
      return done(reason, data, upstream);
    },

    internal(err: unknown): ResilienceError {
      const data: ConduitErrorData =
        err instanceof ConduitError
          ? { ...err.data }
          : {
              code: 'internal',
              message: `Conduit hit an internal error: ${err instanceof Error ? err.message : String(err)}. See the daemon log.`,
              provider,
              model,
            };
      return done('not_retryable', data, undefined, err);
    },
  };
}
