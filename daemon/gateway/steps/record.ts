import { ConduitError, type ChatResult } from '../../../protocol';
import { toErrorData } from '../errorData';
import { shouldQueue } from '../fallbackRules';
import { recordRequest } from '../recordRequest';
import type { Arrival } from '../requestContext';

/**
 * record, around everything else: exactly one ledger row per logical request, success or
 * failure, then one log line after the reply. A failure leaves as a ConduitError carrying the
 * attempts and fallbacks.
 */
export async function record(arrival: Arrival, run: () => Promise<ChatResult>): Promise<ChatResult> {
  const { call: ctx, startedAt, started, attempts, fallbacks, recorded } = arrival;
  const { deps } = arrival.parts;
  try {
    const result = await run();
    recorded.route = result.route ?? recorded.route;
    await recordRequest(deps, { ctx, request: recorded.request, startedAt, started, result, route: recorded.route });
    return result;
  } catch (err) {
    const data = toErrorData(err, ctx.signal, deps);
    data.attemptLog = attempts;
    if (fallbacks.length) data.fallbacks = fallbacks;
    // A queued request is still one logical request: its row is written once, when the
    // job finally ends, not now and not at every run that finds the provider still down.
    const pending = data.code === 'queued' || (ctx.fromQueue === true && shouldQueue(data.code));
    if (!pending) {
      const { request, route } = recorded;
      await recordRequest(deps, { ctx, request, startedAt, started, error: data, attempts, fallbacks, route });
    }
    throw new ConduitError(data);
  }
}
