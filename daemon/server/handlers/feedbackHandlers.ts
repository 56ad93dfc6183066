import { ConduitError, FeedbackRateRequest } from '../../../protocol';
import type { Rating } from '../../usage/ratings';
import type { RegisterHandlers } from '../clientSession';
import { answer } from './answer';

/**
 * `feedback/rate`: a thumbs up or down on an answer, or a retry of it (-1 with reason "retry").
 * Logged with the request id and, when a store is given, kept in the ledger's ratings table,
 * where experiments join it to the arm that answered.
 */
export function feedbackHandlers(
  log: (msg: string, fields: Record<string, unknown>) => void,
  store?: (requestId: string, rating: Rating, feature: string | undefined) => Promise<boolean>,
): RegisterHandlers {
  return (connection, ctx) => {
    connection.onRequest(FeedbackRateRequest.type, (params) =>
      answer(ctx.requireAuth, async () => {
        const requestId = params?.requestId;
        const rating = params?.rating;
        if (
          typeof requestId !== 'string' ||
          requestId.length === 0 ||
          requestId.length > 200 ||
          (rating !== 1 && rating !== -1)
        ) {
          throw new ConduitError({
            code: 'invalid_request',
            message: 'feedback/rate needs a requestId and a rating of 1 or -1.',
          });
        }
        const reason = params.reason === 'retry' ? 'retry' : 'user';
        if (reason === 'retry' && rating !== -1) {
          throw new ConduitError({ code: 'invalid_request', message: 'feedback/rate: a retry is a rating of -1.' });
        }
        const feature = typeof params.feature === 'string' ? params.feature.slice(0, 40) : undefined;
        log('answer rated', { requestId, rating, reason, ...(feature ? { feature } : {}), client: ctx.client() });
        const recorded = store ? await store(requestId, { rating, reason }, feature) : true;
        return { recorded };
      }),
    );
  };
}
