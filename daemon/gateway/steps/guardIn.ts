import type { ChatRequest, GuardRedaction } from '../../../protocol';
import { guardRequest } from '../../guard/inputGuard';
import type { Arrival } from '../requestContext';

export interface Guarded extends Arrival {
  request: ChatRequest;
  inputRedacted: GuardRedaction[];
}

/**
 * guard in: a well-formed request within the size limits, with secrets in the prompt redacted
 * (or the request refused). A request that fails here is never sent anywhere.
 */
export function guardIn(arrival: Arrival): Guarded {
  const { config } = arrival;
  const guarded = guardRequest(arrival.input, { maxPromptChars: config.maxPromptChars, guard: config.guard });
  return { ...arrival, request: guarded.request, inputRedacted: guarded.redacted };
}
