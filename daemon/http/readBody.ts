import type { IncomingMessage } from 'node:http';
import type { HttpFailure } from './errorStatus';

export function tooLarge(limit: number): HttpFailure {
  return {
    status: 413,
    code: 'too_large',
    noRetry: true,
    message: `The request body is over the local endpoint's limit of ${limit} bytes (server.maxBodyBytes). Send a smaller request or raise the limit.`,
  };
}

/**
 * The JSON body, refused with 413 as soon as it passes `limit` (by Content-Length, or by counting
 * when the body is chunked), so an oversized upload is never buffered whole.
 */
export function readJsonBody(
  req: IncomingMessage,
  limit: number,
): Promise<{ body: unknown } | { failure: HttpFailure }> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ failure: tooLarge(limit) });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (value: { body: unknown } | { failure: HttpFailure }) => {
      if (!done) {
        done = true;
        resolve(value);
      }
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish({ failure: tooLarge(limit) });
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () =>
      finish({
        failure: { status: 400, code: 'bad_request', noRetry: true, message: 'The request body could not be read.' },
      }),
    );
    req.on('end', () => {
      if (done) return;
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        finish({ body: text.length === 0 ? {} : (JSON.parse(text) as unknown) });
      } catch {
        finish({
          failure: { status: 400, code: 'bad_request', noRetry: true, message: 'The request body is not valid JSON.' },
        });
      }
    });
  });
}
