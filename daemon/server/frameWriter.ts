import type * as net from 'node:net';
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-jsonrpc/node';

/** What a write refused: the body it would have written, against the cap set for its params. */
export interface OversizedFrame {
  bytes: number;
  maxBytes: number;
}

/**
 * A JSON-RPC writer that puts each frame, header and body, on the socket in one write.
 * vscode-jsonrpc's StreamMessageWriter writes the header, waits for it to be flushed, then writes
 * the body: two system calls per message, and the reader on the other end wakes up twice, once for
 * a header it cannot use yet. On the reply path of every request that cost more than the rest of
 * the daemon's JavaScript (bench/profile.ts; docs/performance.md). The frame format is the same
 * (`Content-Length: N\r\n\r\n` + UTF-8 JSON), so either end may still use the stock writer.
 */
export class FrameWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;
  // Keyed by the params object the caller hands to sendRequest (vscode-jsonrpc passes a named
  // params object through as is): the size is measured on the one serialization the frame needs.
  private readonly caps = new WeakMap<object, number>();
  private readonly refused = new WeakMap<object, OversizedFrame>();

  constructor(private readonly socket: net.Socket) {
    super();
    socket.on('error', (err) => this.fireError(err));
    socket.on('close', () => this.fireClose());
  }

  /** The message carrying `params` is refused, not written, when its body exceeds `maxBytes`. */
  capMessage(params: object, maxBytes: number): void {
    this.caps.set(params, maxBytes);
  }

  /** Why the message carrying `params` was refused, if it was (see capMessage). */
  oversized(params: object): OversizedFrame | undefined {
    return this.refused.get(params);
  }

  write(msg: Message): Promise<void> {
    const body = JSON.stringify(msg);
    const bytes = Buffer.byteLength(body, 'utf8');
    const params = (msg as { params?: unknown }).params;
    if (typeof params === 'object' && params !== null) {
      const maxBytes = this.caps.get(params);
      if (maxBytes !== undefined && bytes > maxBytes) {
        // Not a connection error: nothing was written, and the connection stays usable.
        this.refused.set(params, { bytes, maxBytes });
        return Promise.reject(new Error(`message of ${bytes} bytes exceeds the ${maxBytes}-byte limit`));
      }
    }
    return new Promise((resolve, reject) => {
      this.socket.write(`Content-Length: ${bytes}\r\n\r\n${body}`, 'utf8', (err) => {
        if (!err) return resolve();
        this.fireError(err, msg, ++this.errorCount);
        reject(err);
      });
    });
  }

  /**
   * Writes a frame whose JSON body the caller has built, with no promise: a stream's chunk
   * notifications are many, small and fire-and-forget. Frames leave in the order of the calls,
   * `write`'s and these alike, since both write to the socket at once.
   */
  writeBody(body: string): void {
    this.bodiesWriting++;
    this.socket.write(`Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`, 'utf8', this.bodyWritten);
  }

  /** Frames from writeBody not yet handed to the OS. */
  protected bodiesWriting = 0;

  /** One callback for every writeBody, not a closure per frame. */
  private readonly bodyWritten = (err?: Error | null): void => {
    this.bodiesWriting--;
    if (err) this.fireError(err, undefined, ++this.errorCount);
    this.bodiesSettled();
  };

  /** Called after each writeBody frame is written or failed. */
  protected bodiesSettled(): void {}

  end(): void {
    this.socket.end();
  }
}
