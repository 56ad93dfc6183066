import type * as net from 'node:net';
import { connectSocket, frameOf } from '../unit/daemon/server/framedSocket';

/** A bare socket speaking our framing by hand, to misbehave in ways a real client cannot. */
export class RawSocket {
  private buffer = '';
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buffer += d;
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static async open(path: string): Promise<RawSocket> {
    return new RawSocket(await connectSocket(path));
  }

  send(message: unknown): void {
    this.socket.write(frameOf(message));
  }

  write(raw: string | Buffer): void {
    this.socket.write(raw);
  }

  get received(): string {
    return this.buffer;
  }

  /** True once the daemon (or this side) closed the connection. */
  get isClosed(): boolean {
    return this.socket.closed;
  }

  /** Resolves once what the daemon sent matches `pattern`; rejects if the connection closes first. */
  async receive(pattern: RegExp): Promise<string> {
    const arrived = new Promise<void>((resolve) => {
      const check = () => {
        if (!pattern.test(this.buffer)) return;
        this.socket.off('data', check);
        resolve();
      };
      this.socket.on('data', check);
      check();
    });
    const closed = this.closed.then(() => {
      if (!pattern.test(this.buffer))
        throw new Error(`the daemon closed the connection before sending ${pattern}; it sent: ${this.buffer}`);
    });
    await Promise.race([arrived, closed]);
    return this.buffer;
  }

  /** Resolves true if the daemon closed the connection within `ms`. */
  async closedWithin(ms: number): Promise<boolean> {
    return Promise.race([this.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
