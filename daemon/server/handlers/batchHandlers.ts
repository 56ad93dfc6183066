import {
  BatchCancelRequest,
  BatchListRequest,
  BatchResultsRequest,
  BatchStatusRequest,
  BatchSubmitRequest,
} from '../../../protocol/batch';
import { ConduitError } from '../../../protocol/errors';
import type { BatchService } from '../../batch/batchService';
import type { RegisterHandlers } from '../clientSession';
import { answer } from './answer';

/** `batch/*`: bulk jobs through the providers' Batch APIs. Without a store, each says why. */
export function batchHandlers(service: BatchService | undefined): RegisterHandlers {
  const use = (): BatchService => {
    if (!service)
      throw new ConduitError({
        code: 'internal',
        message: 'Batch jobs are unavailable: batch.db could not be opened. See the daemon log (`conduit logs`).',
      });
    return service;
  };
  return (connection, ctx) => {
    connection.onRequest(BatchSubmitRequest.type, (params) =>
      answer(ctx.requireAuth, () => use().submit(params ?? {}, ctx.client())),
    );
    connection.onRequest(BatchListRequest.type, (params) =>
      answer(ctx.requireAuth, () => use().list(params?.limit ?? 100)),
    );
    connection.onRequest(BatchStatusRequest.type, (params) =>
      answer(ctx.requireAuth, () => use().status(String(params?.id ?? ''))),
    );
    connection.onRequest(BatchCancelRequest.type, (params) =>
      answer(ctx.requireAuth, () => use().cancel(String(params?.id ?? ''))),
    );
    connection.onRequest(BatchResultsRequest.type, (params) =>
      answer(ctx.requireAuth, () => use().results(String(params?.id ?? ''))),
    );
  };
}
