import { randomBytes } from 'node:crypto';
import type { BatchReply, BatchRoute } from './batchRoutes';
import { notFound } from './batchRoutes';
import type { FakeBatch, FakeBatches, FakeBatchRequest } from './fakeBatches';
import { lastUserText } from './fakeBatches';
import { openaiWire } from './openaiWire';
import { isRecord } from './wireFormat';

const secs = (ms: number) => Math.floor(ms / 1000);
const hex = () => randomBytes(8).toString('hex');

function error(status: number, message: string, param: string | null = null): BatchReply {
  return { status, json: { error: { message, type: 'invalid_request_error', param, code: null } } };
}

function fileObject(id: string, f: { purpose: string; filename: string; content: string }): unknown {
  return {
    id,
    object: 'file',
    bytes: Buffer.byteLength(f.content),
    created_at: secs(Date.now()),
    filename: f.filename,
    purpose: f.purpose,
    status: 'processed',
    expires_at: null,
    status_details: null,
  };
}

/** OpenAI's multipart upload: `purpose` and `file` fields, the file being the batch's JSONL. */
async function upload(req: Parameters<BatchRoute>[0], batches: FakeBatches): Promise<BatchReply> {
  let form: FormData;
  try {
    form = await new Request('http://fake/', {
      method: 'POST',
      headers: { 'content-type': req.contentType },
      body: new Uint8Array(req.raw),
    }).formData();
  } catch {
    return error(400, 'Expected a multipart/form-data body with "file" and "purpose".');
  }
  const file = form.get('file');
  const purpose = form.get('purpose');
  if (typeof purpose !== 'string' || !file || typeof file === 'string')
    return error(400, 'Missing "file" or "purpose".', 'file');
  const id = `file-fake${hex()}`;
  const entry = { purpose, filename: file.name, content: await file.text() };
  batches.files.set(id, entry);
  return { status: 200, json: fileObject(id, entry) };
}

function create(req: Parameters<BatchRoute>[0], batches: FakeBatches): BatchReply {
  const body = isRecord(req.body) ? req.body : {};
  const input = batches.files.get(String(body.input_file_id ?? ''));
  if (!input) return error(400, `Invalid 'input_file_id': '${String(body.input_file_id)}'.`, 'input_file_id');
  if (body.endpoint !== '/v1/chat/completions' || body.completion_window !== '24h')
    return error(400, 'Unsupported endpoint or completion_window.', 'endpoint');
  const requests: FakeBatchRequest[] = [];
  for (const line of input.content.split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { custom_id?: unknown; body?: { model?: unknown; messages?: unknown } };
    requests.push({
      customId: String(r.custom_id),
      model: String(r.body?.model ?? ''),
      body: r.body,
      prompt: lastUserText(r.body?.messages),
    });
  }
  const batch = batches.create('openai', requests[0]?.model ?? '', requests);
  return { status: 200, json: batchObject(batch, batches, String(body.input_file_id)) };
}

const STATUS: Record<FakeBatch['phase'], string> = {
  in_progress: 'in_progress',
  canceling: 'cancelling',
  ended: 'completed',
  expired: 'expired',
  canceled: 'cancelled',
  failed: 'failed',
};

/** The output and error files appear once the batch is over, written on first look. */
function batchObject(batch: FakeBatch, batches: FakeBatches, inputFileId: string): unknown {
  const over = batch.phase !== 'in_progress' && batch.phase !== 'canceling';
  const files =
    over && batch.phase !== 'failed'
      ? writeFiles(batch, batches)
      : { output: undefined, error: undefined, completed: 0, failed: 0 };
  return {
    id: batch.id,
    object: 'batch',
    endpoint: '/v1/chat/completions',
    input_file_id: inputFileId,
    completion_window: '24h',
    status: STATUS[batch.phase],
    created_at: secs(batch.createdAt),
    in_progress_at: secs(batch.createdAt),
    expires_at: secs(batch.createdAt + 24 * 3600_000),
    ...(batch.phase === 'ended' && batch.endedAt ? { completed_at: secs(batch.endedAt) } : {}),
    ...(batch.phase === 'expired' && batch.endedAt ? { expired_at: secs(batch.endedAt) } : {}),
    ...(batch.phase === 'failed' && batch.endedAt ? { failed_at: secs(batch.endedAt) } : {}),
    ...(batch.cancelRequestedAt ? { cancelling_at: secs(batch.cancelRequestedAt) } : {}),
    ...(batch.phase === 'canceled' && batch.endedAt ? { cancelled_at: secs(batch.endedAt) } : {}),
    ...(files.output ? { output_file_id: files.output } : {}),
    ...(files.error ? { error_file_id: files.error } : {}),
    errors: batch.failure
      ? { object: 'list', data: [{ code: 'invalid_request', message: batch.failure, line: 1, param: null }] }
      : null,
    request_counts: { total: batch.requests.length, completed: files.completed, failed: files.failed },
    metadata: null,
  };
}

function writeFiles(
  batch: FakeBatch,
  batches: FakeBatches,
): { output: string | undefined; error: string | undefined; completed: number; failed: number } {
  const outId = `file-out-${batch.id}`;
  const errId = `file-err-${batch.id}`;
  const out: string[] = [];
  const err: string[] = [];
  for (const [i, r] of batch.requests.entries()) {
    const o = batches.outcome(batch, r);
    const requestId = `req_batch_${i}`;
    const line = { id: `batch_req_${hex()}`, custom_id: r.customId };
    if (!o) {
      const code = batch.phase === 'canceled' ? 'batch_cancelled' : 'batch_expired';
      err.push(
        JSON.stringify({
          ...line,
          response: null,
          error: {
            code,
            message: `This request could not be executed before the batch ${batch.phase === 'canceled' ? 'was cancelled' : 'expired'}.`,
          },
        }),
      );
    } else if (o.ok) {
      out.push(
        JSON.stringify({
          ...line,
          response: {
            status_code: 200,
            request_id: requestId,
            body: openaiWire.json({
              requestId,
              model: r.model,
              body: r.body,
              script: o.script,
            }),
          },
          error: null,
        }),
      );
    } else {
      err.push(
        JSON.stringify({
          ...line,
          response: {
            status_code: o.error.status,
            request_id: requestId,
            body: openaiWire.errorBody(o.error.status, o.error.error, requestId),
          },
          error: null,
        }),
      );
    }
  }
  // OpenAI promises no order in these files; the fake answers newest first so clients match by custom_id.
  out.reverse();
  if (out.length)
    batches.files.set(outId, { purpose: 'batch_output', filename: 'output.jsonl', content: out.join('\n') + '\n' });
  if (err.length)
    batches.files.set(errId, { purpose: 'batch_output', filename: 'errors.jsonl', content: err.join('\n') + '\n' });
  return {
    output: out.length ? outId : undefined,
    error: err.length ? errId : undefined,
    completed: out.length,
    failed: err.length,
  };
}

/** OpenAI Batch: POST /v1/files, POST /v1/batches, GET /v1/batches/{id}, POST /v1/batches/{id}/cancel, GET /v1/files/{id}/content. */
export const openaiBatchRoute: BatchRoute = async (req, batches): Promise<BatchReply | undefined> => {
  if (req.method === 'POST' && req.path === '/v1/files') return upload(req, batches);
  if (req.method === 'POST' && req.path === '/v1/batches') return create(req, batches);
  const content = /^\/v1\/files\/([^/]+)\/content$/.exec(req.path);
  if (req.method === 'GET' && content) {
    const file = batches.files.get(content[1]!);
    return file
      ? { status: 200, text: file.content, contentType: 'application/octet-stream' }
      : notFound(`file ${content[1]}`);
  }
  const input = () => [...batches.files.entries()].find(([, f]) => f.purpose === 'batch')?.[0] ?? '';
  const cancel = /^\/v1\/batches\/([^/]+)\/cancel$/.exec(req.path);
  if (req.method === 'POST' && cancel) {
    const batch = batches.batches.get(cancel[1]!);
    if (!batch) return notFound(`batch ${cancel[1]}`);
    if (!batches.requestCancel(batch.id))
      return error(400, `Cannot cancel a batch with status '${STATUS[batch.phase]}'.`);
    return { status: 200, json: batchObject(batch, batches, input()) };
  }
  const one = /^\/v1\/batches\/([^/]+)$/.exec(req.path);
  if (req.method === 'GET' && one) {
    const batch = await batches.onStatus(one[1]!);
    if (!batch) return notFound(`batch ${one[1]}`);
    return { status: 200, json: batchObject(batch, batches, input()) };
  }
  return undefined;
};
