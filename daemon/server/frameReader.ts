import type { Readable } from 'node:stream';
import { AbstractMessageReader, type DataCallback, type Disposable, type MessageReader } from 'vscode-jsonrpc/node';

const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 1024;

/**
 * A JSON-RPC reader that hands each message on in the turn its last byte arrived.
 * vscode-jsonrpc's StreamMessageReader decodes each body inside a semaphore that schedules its
 * next run with `setImmediate`, then awaits two decoders: every message waited a turn of the
 * event loop before the connection saw it, on the request path and again on the reply path
 * (docs/performance.md). The frame format is the same (`Content-Length: N\r\n\r\n` + UTF-8 JSON),
 * and messages are handed on in the order they arrive, as the stock reader does.
 */
export class FrameReader extends AbstractMessageReader implements MessageReader {
  private header: Buffer = Buffer.alloc(0);
  /** Body bytes still to come for the current frame; -1 while reading a header. */
  private bodyLength = -1;
  private body: Buffer[] = [];
  private bodyBytes = 0;
  private callback: DataCallback | undefined;

  constructor(private readonly readable: Readable) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (chunk: Buffer) => this.onData(chunk);
    const onError = (err: Error) => this.fireError(err);
    const onClose = () => this.fireClose();
    this.readable.on('data', onData);
    this.readable.on('error', onError);
    this.readable.on('close', onClose);
    return {
      dispose: () => {
        this.readable.off('data', onData);
        this.readable.off('error', onError);
        this.readable.off('close', onClose);
        this.callback = undefined;
      },
    };
  }

  private onData(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length && this.callback) {
      if (this.bodyLength === -1) {
        const rest = chunk.subarray(offset);
        const joined = this.header.length ? Buffer.concat([this.header, rest]) : rest;
        const end = joined.indexOf(HEADER_END);
        if (end === -1) {
          if (joined.length > MAX_HEADER_BYTES) return this.fail('frame header too long');
          this.header = Buffer.from(joined);
          return;
        }
        const length = contentLength(joined.toString('ascii', 0, end));
        if (length === undefined) return this.fail('frame header has no valid Content-Length');
        // Bytes of `rest` this header used (the part not already buffered from an earlier chunk).
        offset += end + HEADER_END.length - this.header.length;
        this.header = Buffer.alloc(0);
        this.bodyLength = length;
        this.body = [];
        this.bodyBytes = 0;
      }
      // Pieces are collected and joined once: a large body comes in many chunks.
      const take = Math.min(this.bodyLength - this.bodyBytes, chunk.length - offset);
      if (take > 0) {
        this.body.push(chunk.subarray(offset, offset + take));
        this.bodyBytes += take;
        offset += take;
      }
      if (this.bodyBytes < this.bodyLength) return;
      const body = this.body.length === 1 ? this.body[0]! : Buffer.concat(this.body, this.bodyBytes);
      this.bodyLength = -1;
      this.body = [];
      this.bodyBytes = 0;
      let message: unknown;
      try {
        message = JSON.parse(body.toString('utf8'));
      } catch (err) {
        return this.fail(`frame body is not JSON (${err instanceof Error ? err.message : String(err)})`);
      }
      this.callback?.(message as Parameters<DataCallback>[0]);
    }
  }

  private fail(reason: string): void {
    this.callback = undefined;
    this.fireError(new Error(reason));
  }
}

function contentLength(header: string): number | undefined {
  let length: number | undefined;
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) return undefined;
    if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
    const value = line.slice(colon + 1).trim();
    if (!/^\d+$/.test(value)) return undefined;
    length = Number(value);
  }
  return length;
}
