import type { BatchProviderId } from '../../protocol';
import { UpstreamError } from '../providers/types';
import { classifyCode } from '../resilience/classify';
import type { BatchOutcome } from './batchTypes';

export interface ItemErrorFacts {
  status?: number;
  /** The provider's error type or status name: `invalid_request_error`, `INVALID_ARGUMENT`… */
  type?: string;
  code?: string;
  message?: string;
}

/** A failed request inside a batch, with the same error code a live call failing this way gets. */
export function erroredOutcome(provider: BatchProviderId, customId: string, facts: ItemErrorFacts): BatchOutcome {
  const err = new UpstreamError({
    provider,
    kind: 'http',
    message: facts.message ?? 'the request failed inside the batch',
    ...(facts.status !== undefined ? { status: facts.status } : {}),
    ...(facts.type !== undefined ? { providerType: facts.type } : {}),
    ...(facts.code !== undefined ? { providerCode: facts.code } : {}),
  });
  return {
    customId,
    state: 'errored',
    errorCode: classifyCode(err),
    message: err.message,
    httpStatus: facts.status ?? null,
  };
}

/** A request the provider never ran: the batch expired (or was cancelled) before reaching it. */
export function unprocessedOutcome(customId: string, state: 'expired' | 'canceled'): BatchOutcome {
  return {
    customId,
    state,
    // Ran out of time versus stopped on request: the ledger tells the two apart.
    errorCode: state === 'expired' ? 'timeout' : 'cancelled',
    message:
      state === 'expired'
        ? 'The batch expired before this request ran; submit it again.'
        : 'The batch was cancelled before this request ran.',
    httpStatus: null,
  };
}
