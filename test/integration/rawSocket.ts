import * as net from 'node:net';

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

  static open(path: string): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const s = net.connect(path);
      s.once('connect', () => resolve(new RawSocket(s)));
      s.once('error', reject);
    });
  }

  send(message: unknown): void {
    const body = JSON.stringify(message);
    this.socket.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  write(raw: string | Buffer): void {
    this.socket.write(raw);
  }

  get received(): string {
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
