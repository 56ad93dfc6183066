import type * as net from 'node:net';
import { FrameSplitter } from './frameSplitter';
import { AbstractMessageReader, type DataCallback, type Disposable, type Message } from 'vscode-jsonrpc/node';

/** What this reader hands on after the stream's last frame. Never on the wire: the daemon has no such method. */
export const STREAM_ENDED = '$/conduit/streamEnded';

/**
 * Reads `Content-Length` frames from the daemon's socket and, once the socket has ended, hands the
 * connection one more message, STREAM_ENDED, for the client to dispose the connection on.
 *
 * vscode-jsonrpc's stock reader hands each frame on a turn of the event loop later (setImmediate),
 * and the connection handles it a turn after that; the socket's 'close' comes sooner. A daemon
 * that answers and then hangs up (a request finished in `conduit stop`'s grace period, an
 * "unauthorized") can reach a busy client as one read, answer and end together, and disposing the
 * connection on 'close' rejected an answer already received ("Pending response rejected since
 * connection got disposed"). Here frames are handed on as they are read, in order, and the
 * connection handles its messages in order, so STREAM_ENDED comes after every answer before it.
 */
export class FrameReader extends AbstractMessageReader {
  private readonly frames = new FrameSplitter();
  private callback: DataCallback | undefined;
  private done = false;
  private readonly dataListener = (data: Buffer) => this.read(data);
  private readonly endListener = () => this.end();
  private readonly errorListener = (err: Error) => this.fireError(err);

  constructor(private readonly socket: net.Socket) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    this.socket.on('data', this.dataListener);
    this.socket.on('end', this.endListener);
    // A socket destroyed (a reset, an error) closes without 'end'.
    this.socket.on('close', this.endListener);
    this.socket.on('error', this.errorListener);
    return { dispose: () => this.stop() };
  }

  override dispose(): void {
    this.stop();
    super.dispose();
  }

  private read(data: Buffer): void {
    if (this.done) return;
    const bad = this.frames.push(data, (message) => this.callback?.(message as Message));
    if (bad) this.fail(bad);
  }

  /** The stream cannot be trusted past a bad frame: the rest is not read. */
  private fail(err: Error): void {
    this.fireError(err);
    this.socket.destroy();
    this.end();
  }

  private end(): void {
    if (this.done) return;
    this.done = true;
    this.frames.reset();
    this.callback?.({ jsonrpc: '2.0', method: STREAM_ENDED } as Message);
    this.fireClose();
  }

  private stop(): void {
    this.done = true;
    this.callback = undefined;
    this.frames.reset();
    this.socket.off('data', this.dataListener);
    this.socket.off('end', this.endListener);
    this.socket.off('close', this.endListener);
    this.socket.off('error', this.errorListener);
  }
}
