import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The connections of one listening server and the requests in flight on each, so a stop can
 * drain it: no new connections, the requests under way (streams too) finish, idle keep-alive
 * connections close at once and busy ones as soon as their last answer has gone out.
 */
export class ConnectionDrain {
  private readonly busy = new Map<Socket, number>();
  private readonly sockets = new Set<Socket>();
  private inFlight = 0;
  private draining = false;
  private onIdle: (() => void) | undefined;

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => {
        this.sockets.delete(socket);
        this.busy.delete(socket);
        this.checkDone();
      });
    });
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Call first thing for every request: it counts until its response closes (sent or cut). */
  track(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    this.inFlight++;
    this.busy.set(socket, (this.busy.get(socket) ?? 0) + 1);
    // While draining, the answer tells the client this connection will not take another request.
    if (this.draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      this.inFlight--;
      const left = (this.busy.get(socket) ?? 1) - 1;
      if (left > 0) this.busy.set(socket, left);
      else {
        this.busy.delete(socket);
        // end, not destroy: the last bytes of the answer may still be in the socket's buffer.
        if (this.draining) socket.end();
      }
      this.checkDone();
    });
  }

  /**
   * Stops taking requests and waits until those in flight are done and their connections have
   * closed (each is ended once its last answer is out), or until `deadlineAt` (Date.now() ms);
   * whatever is still open then is cut. The server must already have stopped listening.
   */
  async drain(deadlineAt: number): Promise<{ cut: number }> {
    this.draining = true;
    for (const socket of this.sockets) if (!this.busy.has(socket)) socket.end();
    if (!this.done()) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.onIdle = resolve;
        timer = setTimeout(resolve, Math.max(0, deadlineAt - Date.now()));
      });
      clearTimeout(timer);
    }
    const cut = this.inFlight;
    this.destroyAll();
    return { cut };
  }

  private done(): boolean {
    return this.inFlight === 0 && this.sockets.size === 0;
  }

  private checkDone(): void {
    if (this.draining && this.done()) this.onIdle?.();
  }

  /** Every connection closed now, requests in flight or not. */
  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
