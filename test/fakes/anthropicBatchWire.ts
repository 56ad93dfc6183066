import { anthropicWire } from './anthropicWire';
import type { BatchReply, BatchRoute } from './batchRoutes';
import { notFound } from './batchRoutes';
import type { FakeBatch, FakeBatches } from './fakeBatches';
import { lastUserText } from './fakeBatches';
import { isRecord } from './wireFormat';

const iso = (ms: number) => new Date(ms).toISOString();

function counts(batch: FakeBatch, batches: FakeBatches): Record<string, number> {
  const c = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
  // As Anthropic documents: every request counts as processing until the whole batch ends.
  if (batch.phase === 'in_progress' || batch.phase === 'canceling') return { ...c, processing: batch.requests.length };
  for (const r of batch.requests) {
    const o = batches.outcome(batch, r);
    if (!o) c[batch.phase === 'canceled' ? 'canceled' : 'expired']++;
    else c[o.ok ? 'succeeded' : 'errored']++;
  }
  return c;
}

function batchObject(batch: FakeBatch, batches: FakeBatches, origin: string): unknown {
  const ended = batch.phase !== 'in_progress' && batch.phase !== 'canceling';
  return {
    id: batch.id,
    type: 'message_batch',
    processing_status: ended ? 'ended' : batch.phase === 'canceling' ? 'canceling' : 'in_progress',
    request_counts: counts(batch, batches),
    created_at: iso(batch.createdAt),
    expires_at: iso(batch.createdAt + 24 * 3600_000),
    ended_at: ended && batch.endedAt ? iso(batch.endedAt) : null,
    archived_at: null,
    cancel_initiated_at: batch.cancelRequestedAt
      ? iso(batch.cancelRequestedAt)
      : batch.phase === 'canceled' && batch.endedAt
        ? iso(batch.endedAt)
        : null,
    results_url: ended ? `${origin}/v1/messages/batches/${batch.id}/results` : null,
  };
}

/** Results as JSON lines, newest request first: the real API promises no order, so neither does the fake. */
function results(batch: FakeBatch, batches: FakeBatches): string {
  return (
    [...batch.requests]
      .reverse()
      .map((r, i) => {
        const o = batches.outcome(batch, r);
        let result: unknown;
        if (!o) result = { type: batch.phase === 'canceled' ? 'canceled' : 'expired' };
        else if (o.ok) {
          result = {
            type: 'succeeded',
            message: anthropicWire.json({
              requestId: `req_batch_${i}`,
              model: r.model,
              body: r.body,
              script: o.script,
            }),
          };
        } else {
          result = { type: 'errored', error: anthropicWire.errorBody(o.error.status, o.error.error, `req_batch_${i}`) };
        }
        return JSON.stringify({ custom_id: r.customId, result });
      })
      .join('\n') + '\n'
  );
}

/** Anthropic Message Batches: POST /v1/messages/batches, GET …/{id}, GET …/{id}/results, POST …/{id}/cancel. */
export const anthropicBatchRoute: BatchRoute = async (req, batches): Promise<BatchReply | undefined> => {
  const m = /^\/v1\/messages\/batches(?:\/([^/]+))?(\/results|\/cancel)?$/.exec(req.path);
  if (!m) return undefined;
  const [, id, sub] = m;
  const isResults = sub === '/results';
  if (sub === '/cancel') {
    const batch = req.method === 'POST' && id ? batches.batches.get(id) : undefined;
    if (!batch) return req.method === 'POST' ? notFound(`batch ${id}`) : undefined;
    if (!batches.requestCancel(batch.id))
      return {
        status: 400,
        json: anthropicWire.errorBody(
          400,
          { message: `Batch ${batch.id} has already ended and cannot be canceled.` },
          'req_fake',
        ),
      };
    return { status: 200, json: batchObject(batch, batches, req.origin) };
  }
  if (req.method === 'POST' && !id) {
    const requests = isRecord(req.body) && Array.isArray(req.body.requests) ? req.body.requests : [];
    if (requests.length === 0)
      return {
        status: 400,
        json: anthropicWire.errorBody(400, { message: 'requests: List should have at least 1 item' }, 'req_fake'),
      };
    const batch = batches.create(
      'anthropic',
      '',
      requests.map((r: { custom_id?: unknown; params?: { model?: unknown; messages?: unknown } }) => ({
        customId: String(r.custom_id),
        model: String(r.params?.model ?? ''),
        body: r.params,
        prompt: lastUserText(r.params?.messages),
      })),
    );
    batch.model = batch.requests[0]?.model ?? '';
    return { status: 200, json: batchObject(batch, batches, req.origin) };
  }
  if (req.method !== 'GET' || !id) return undefined;
  if (isResults) {
    const batch = batches.batches.get(id);
    if (!batch) return notFound(`batch ${id}`);
    if (batch.phase === 'in_progress' || batch.phase === 'canceling')
      return {
        status: 400,
        json: anthropicWire.errorBody(400, { message: `Batch ${id} is still in progress` }, 'req_fake'),
      };
    return { status: 200, text: results(batch, batches), contentType: 'application/binary' };
  }
  const batch = await batches.onStatus(id);
  return batch ? { status: 200, json: batchObject(batch, batches, req.origin) } : notFound(`batch ${id}`);
};
