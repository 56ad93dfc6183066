import { ConduitError, FeedbackRateRequest } from '../../../protocol';
import type { RegisterHandlers } from '../clientSession';
import { answer } from './answer';

/**
 * `feedback/rate`: a thumbs up or down on an answer. For now it is logged (with the request id,
 * so it can be joined with the ledger row); the routing work decides what to learn from it.
 */
export function feedbackHandlers(log: (msg: string, fields: Record<string, unknown>) => void): RegisterHandlers {
  return (connection, ctx) => {
    connection.onRequest(FeedbackRateRequest.type, (params) => answer(ctx.requireAuth, async () => {
      const requestId = params?.requestId;
      const rating = params?.rating;
      if (typeof requestId !== 'string' || requestId.length === 0 || requestId.length > 200 || (rating !== 1 && rating !== -1)) {
        throw new ConduitError({ code: 'invalid_request', message: 'feedback/rate needs a requestId and a rating of 1 or -1.' });
      }
      const feature = typeof params.feature === 'string' ? params.feature.slice(0, 40) : undefined;
      log('answer rated', { requestId, rating, ...(feature ? { feature } : {}), client: ctx.client() });
      return { recorded: true };
    }));
  };
}
