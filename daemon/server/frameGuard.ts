import { Transform, type TransformCallback } from 'node:stream';

const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 1024;

/**
 * The largest frame a connection may send before its handshake succeeds. A hello (token, client
 * and version strings) is a few hundred bytes; without this a stranger could make the daemon
 * buffer the full message cap on each of many connections.
 */
export const PRE_AUTH_MAX_BYTES = 8 * 1024;

export class FrameError extends Error {
  override name = 'FrameError';
}

/**
 * Sits between the socket and vscode-jsonrpc's reader, which trusts its input: it would buffer
 * a headerless stream forever and allocate whatever Content-Length claims. This checks each
 * frame's header and size before a byte of the body is buffered, and fails the stream otherwise.
 */
export class FrameGuard extends Transform {
  private header = Buffer.alloc(0);
  private bodyLeft = 0;
  private limit: number;
  private limitLabel = 'before the handshake';

  constructor(
    private readonly maxMessageBytes: number,
    preAuthMaxBytes = PRE_AUTH_MAX_BYTES,
  ) {
    super();
    this.limit = Math.min(preAuthMaxBytes, maxMessageBytes);
  }

  /** The client proved it holds the token: frames up to the normal cap are accepted from now on. */
  authenticated(): void {
    this.limit = this.maxMessageBytes;
    this.limitLabel = '';
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, chunk.length - offset);
        this.push(chunk.subarray(offset, offset + take));
        this.bodyLeft -= take;
        offset += take;
        continue;
      }
      const rest = chunk.subarray(offset);
      const joined = this.header.length ? Buffer.concat([this.header, rest]) : rest;
      const end = joined.indexOf(HEADER_END);
      if (end === -1) {
        if (joined.length > MAX_HEADER_BYTES) return done(new FrameError('frame header too long'));
        this.header = Buffer.from(joined);
        return done();
      }
      const headerBytes = joined.subarray(0, end + HEADER_END.length);
      const length = parseContentLength(headerBytes.toString('ascii'));
      if (length === undefined) return done(new FrameError('frame header has no valid Content-Length'));
      if (length > this.limit) {
        const when = this.limitLabel ? ` ${this.limitLabel}` : '';
        return done(new FrameError(`message of ${length} bytes exceeds the ${this.limit}-byte limit${when}`));
      }
      this.push(headerBytes);
      this.bodyLeft = length;
      // Bytes of `rest` consumed by this header (the part that was not already buffered).
      offset += end + HEADER_END.length - this.header.length;
      this.header = Buffer.alloc(0);
    }
    done();
  }
}

function parseContentLength(header: string): number | undefined {
  if (header.length > MAX_HEADER_BYTES) return undefined;
  let length: number | undefined;
  for (const line of header.split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') {
      if (!/^\d{1,12}$/.test(value)) return undefined;
      length = Number(value);
    }
  }
  return length;
}
