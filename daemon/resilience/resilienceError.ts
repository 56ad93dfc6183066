import { ConduitError, type AttemptRecord, type ConduitErrorData } from '../../protocol';
import type { UpstreamError } from '../providers/types';

/** Why the executor stopped trying one provider/model. */
export type FailureReason =
  /** Its circuit is open (or its one probe is out): nothing was sent this time. */
  | 'circuit_open'
  /** The server asked for a wait longer than the retry budget left. */
  | 'hint_over_budget'
  | 'budget_exhausted'
  /** The request's overall deadline passed, or the next wait would pass it. */
  | 'deadline'
  | 'not_retryable'
  | 'attempts_exhausted'
  /** Part of the answer had reached the client, so it was not retried. */
  | 'committed'
  /** An interactive attempt got no first byte in time: the next fallback is tried at once. */
  | 'first_byte'
  | 'cancelled';

/**
 * How an executor run failed: the classified error for the client, the reason for the caller's
 * fallback decision, and every attempt made. A ConduitError, so it can be thrown straight on.
 */
export class ResilienceError extends ConduitError {
  override name = 'ResilienceError';

  constructor(
    data: ConduitErrorData,
    readonly reason: FailureReason,
    readonly attempts: AttemptRecord[],
    /** The last attempt's upstream failure, when there was one. */
    readonly upstream?: UpstreamError,
    cause?: unknown,
  ) {
    super({ ...data, attemptLog: attempts });
    if (cause !== undefined) this.cause = cause;
  }
}

/** True when a provider/model was skipped because its circuit is open: go straight to fallback. */
export function isCircuitOpen(err: unknown): err is ResilienceError {
  return err instanceof ResilienceError && err.reason === 'circuit_open';
}
