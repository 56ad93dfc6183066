import type { BatchReply, BatchRoute } from './batchRoutes';
import { notFound } from './batchRoutes';
import type { FakeBatch, FakeBatches, FakeBatchRequest } from './fakeBatches';
import { lastUserText } from './fakeBatches';
import { geminiWire } from './geminiWire';
import { isRecord } from './wireFormat';

const STATE: Record<FakeBatch['phase'], string> = {
  in_progress: 'BATCH_STATE_RUNNING',
  // Gemini's batch states have no "cancelling": the job runs until the cancel takes.
  canceling: 'BATCH_STATE_RUNNING',
  ended: 'BATCH_STATE_SUCCEEDED',
  expired: 'BATCH_STATE_EXPIRED',
  canceled: 'BATCH_STATE_CANCELLED',
  failed: 'BATCH_STATE_FAILED',
};

/** The long-running operation Gemini returns for a batch: the batch itself rides in `metadata`. */
function operation(batch: FakeBatch, batches: FakeBatches): unknown {
  const over = batch.phase !== 'in_progress' && batch.phase !== 'canceling';
  const responses =
    over && batch.phase !== 'failed'
      ? batch.requests.map((r, i) => {
          const o = batches.outcome(batch, r);
          const metadata = (r.body as { metadata?: unknown } | undefined)?.metadata;
          const base = metadata !== undefined && batches.geminiEchoesMetadata ? { metadata } : {};
          if (!o) return base;
          if (o.ok)
            return {
              ...base,
              response: geminiWire.json({
                requestId: `resp_${i}`,
                model: batch.model,
                body: r.body,
                script: o.script,
              }),
            };
          return {
            ...base,
            error: (geminiWire.errorBody(o.error.status, o.error.error, '') as { error: unknown }).error,
          };
        })
      : undefined;
  const metadata = {
    '@type': 'type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch',
    model: `models/${batch.model}`,
    displayName: 'fake batch',
    state: STATE[batch.phase],
    createTime: new Date(batch.createdAt).toISOString(),
    updateTime: new Date(batch.endedAt ?? batch.createdAt).toISOString(),
    ...(over && batch.endedAt ? { endTime: new Date(batch.endedAt).toISOString() } : {}),
    batchStats: {
      requestCount: String(batch.requests.length),
      pendingRequestCount: over ? '0' : String(batch.requests.length),
    },
    ...(responses ? { output: { inlinedResponses: { inlinedResponses: responses } } } : {}),
  };
  return {
    name: `batches/${batch.id}`,
    metadata,
    ...(over ? { done: true } : {}),
    ...(batch.failure ? { error: { code: 400, message: batch.failure, status: 'INVALID_ARGUMENT' } } : {}),
  };
}

/** Gemini batch mode: POST models/{m}:batchGenerateContent with inlined requests, GET batches/{id}, POST batches/{id}:cancel. */
export const geminiBatchRoute: BatchRoute = async (req, batches): Promise<BatchReply | undefined> => {
  const create = /^\/v1beta\/models\/([^/:]+):batchGenerateContent$/.exec(req.path);
  if (create && req.method === 'POST') {
    const model = decodeURIComponent(create[1]!);
    const batch = isRecord(req.body) && isRecord(req.body.batch) ? req.body.batch : {};
    const list = (batch as { inputConfig?: { requests?: { requests?: unknown } } }).inputConfig?.requests?.requests;
    if (!Array.isArray(list) || list.length === 0) {
      return {
        status: 400,
        json: geminiWire.errorBody(400, { message: 'batch.input_config.requests must not be empty' }, ''),
      };
    }
    const requests: FakeBatchRequest[] = list.map(
      (item: { request?: { contents?: unknown }; metadata?: Record<string, string> }, i) => ({
        // Gemini has no custom id: the metadata map comes back with each response, and order is kept.
        customId: Object.values(item.metadata ?? {})[0] ?? String(i),
        model,
        body: item,
        prompt: lastUserText(item.request?.contents),
      }),
    );
    return { status: 200, json: operation(batches.create('gemini', model, requests), batches) };
  }
  const cancel = /^\/v1beta\/batches\/([^/:]+):cancel$/.exec(req.path);
  if (cancel && req.method === 'POST') {
    const batch = batches.batches.get(cancel[1]!);
    if (!batch) return notFound(`batches/${cancel[1]}`);
    if (!batches.requestCancel(batch.id))
      return {
        status: 400,
        json: geminiWire.errorBody(400, { message: `Batch batches/${batch.id} is already in a terminal state.` }, ''),
      };
    // google.longrunning Operations.CancelOperation answers with google.protobuf.Empty.
    return { status: 200, json: {} };
  }
  const get = /^\/v1beta\/batches\/([^/:]+)$/.exec(req.path);
  if (get && req.method === 'GET') {
    const batch = await batches.onStatus(get[1]!);
    return batch ? { status: 200, json: operation(batch, batches) } : notFound(`batches/${get[1]}`);
  }
  return undefined;
};
