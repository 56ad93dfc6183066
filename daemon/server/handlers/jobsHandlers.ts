import { JobsGetRequest, JobsListRequest, JobsRetryRequest } from '../../../protocol/jobs';
import type { DurableQueue } from '../../resilience/durableQueue';
import type { RegisterHandlers } from '../clientSession';
import { answer } from './answer';

/** `jobs/*`: the durable queue of background requests. */
export function jobsHandlers(queue: DurableQueue): RegisterHandlers {
  return (connection, ctx) => {
    connection.onRequest(JobsListRequest.type, (params) =>
      answer(ctx.requireAuth, () => queue.list(params?.states, Math.min(params?.limit ?? 100, 1000))),
    );
    connection.onRequest(JobsGetRequest.type, (params) =>
      answer(ctx.requireAuth, () => queue.get(String(params?.id ?? ''))),
    );
    connection.onRequest(JobsRetryRequest.type, (params) =>
      answer(ctx.requireAuth, () => queue.retry(String(params?.id ?? ''))),
    );
  };
}
