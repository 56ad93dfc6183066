import * as net from 'node:net';
import { PROTOCOL_VERSION } from '../../../../protocol';

/** A message framed as the daemon reads it: `Content-Length` header, then the JSON body. */
export function frameOf(message: unknown): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** A client socket connected to the daemon's address (rejects when nothing listens there). */
export function connectSocket(address: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(address);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** One message read off the socket, as the daemon framed it. */
export interface Frame {
  id?: number;
  method?: string;
  result?: unknown;
  error?: unknown;
  params?: { seq?: number; delta?: string };
  /** Header and body, in bytes. */
  bytes: number;
}

/**
 * A client socket that frames JSON-RPC by hand and can stop reading: `pause()` leaves every reply
 * in the kernel and the daemon, as a client that never reads does.
 */
export class FramedSocket {
  readonly frames: Frame[] = [];
  private pending: Buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => this.take(d));
    socket.on('error', () => undefined);
  }

  static async open(address: string): Promise<FramedSocket> {
    return new FramedSocket(await connectSocket(address));
  }

  send(message: unknown): void {
    this.socket.write(frameOf(message));
  }

  /** Says hello as request 1 with the home's token, and waits for the daemon's answer. */
  async hello(token: string, client: 'cli' | 'other'): Promise<void> {
    this.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'daemon/hello',
      params: { protocolVersion: PROTOCOL_VERSION, token, client, clientVersion: 'test' },
    });
    await this.until((frames) => frames.some((f) => f.id === 1));
  }

  /** Writes many messages in one write, so the daemon reads them together. */
  sendAll(messages: unknown[]): void {
    this.socket.write(messages.map(frameOf).join(''));
  }

  /** Resolves once `done` holds for the frames read so far (the test's timeout is the give-up limit). */
  async until(done: (frames: Frame[]) => boolean): Promise<void> {
    while (!done(this.frames)) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private take(data: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    for (;;) {
      const end = this.pending.indexOf('\r\n\r\n');
      if (end < 0) break;
      const length = Number(/Content-Length: (\d+)/.exec(this.pending.subarray(0, end).toString('ascii'))?.[1]);
      const start = end + 4;
      if (this.pending.length < start + length) break;
      const body = JSON.parse(this.pending.subarray(start, start + length).toString('utf8')) as Frame;
      this.frames.push({ ...body, bytes: start + length });
      this.pending = this.pending.subarray(start + length);
    }
    for (const w of this.waiters.splice(0)) w();
  }
}
