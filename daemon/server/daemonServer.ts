import * as net from 'node:net';
import type { NotificationType } from 'vscode-jsonrpc';
import type { ClientKind } from '../../protocol';
import { ClientSession, type SessionHost } from './clientSession';
import type { PressureFigures } from './replyPressure';

/** The connections and requests, as `daemon/status` reports them. */
export interface ServerCounts {
  clients: number;
  inFlight: number;
  served: number;
  /** Flow control toward clients that do not read their replies (replyPressure.ts). */
  backpressure: BackpressureCounts;
}

export interface BackpressureCounts extends PressureFigures {
  /** Connections whose frames are not being read now. */
  readingPaused: number;
}

export interface DaemonServerOptions extends Omit<
  SessionHost,
  'requestStarted' | 'requestEnded' | 'status' | 'pressureFigures'
> {
  /** Handed the server's own counts, so the status report need not reach back to the server. */
  status: (settleMemory: boolean, counts: ServerCounts) => unknown;
  maxConnections: number;
  /** Called when the daemon becomes idle (no clients, no work) or busy again. */
  onIdleChange: (idle: boolean) => void;
  /** Told as each request starts and ends (the idle trim waits for a quiet spell between requests). */
  onRequest?: { started: () => void; ended: () => void };
}

/** Accepts connections, caps how many are open, and tracks whether the daemon is idle. */
export class DaemonServer {
  readonly server: net.Server;
  private readonly sessions = new Set<ClientSession>();
  private inFlight = 0;
  private served = 0;
  private readonly pressure: PressureFigures = { readPauses: 0, streamWaits: 0, peakUnsentBytes: 0 };

  constructor(private readonly opts: DaemonServerOptions) {
    this.server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  get clients(): number {
    let n = 0;
    for (const s of this.sessions) if (s.isAuthed) n++;
    return n;
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  get requestsServed(): number {
    return this.served;
  }

  /** Over every connection since start, and the connections not being read now. */
  get backpressure(): BackpressureCounts {
    let readingPaused = 0;
    for (const s of this.sessions) if (s.readingPaused) readingPaused++;
    return { ...this.pressure, readingPaused };
  }

  private accept(socket: net.Socket): void {
    if (this.sessions.size >= this.opts.maxConnections) {
      this.opts.log('warn', 'connection refused: too many open connections', { open: this.sessions.size });
      socket.destroy();
      return;
    }
    const host: SessionHost = {
      ...this.opts,
      chat: (params: unknown, client: ClientKind, signal: AbortSignal, onChunk) =>
        this.opts.chat(params, client, signal, onChunk),
      status: (settleMemory: boolean) =>
        this.opts.status(settleMemory, {
          clients: this.clients,
          inFlight: this.inFlight,
          served: this.served,
          backpressure: this.backpressure,
        }),
      pressureFigures: this.pressure,
      requestStarted: () => {
        this.inFlight++;
        this.served++;
        this.opts.onRequest?.started();
        this.updateIdle();
      },
      requestEnded: () => {
        this.inFlight--;
        this.opts.onRequest?.ended();
        this.updateIdle();
      },
    };
    const session = new ClientSession(socket, host, (s) => {
      this.sessions.delete(s);
      this.updateIdle();
    });
    this.sessions.add(session);
    this.updateIdle();
  }

  private updateIdle(): void {
    this.opts.onIdleChange(this.sessions.size === 0 && this.inFlight === 0);
  }

  /** Sends a notification to every authenticated client (alerts, live updates). */
  broadcast<P extends object>(type: NotificationType<P>, params: P): void {
    for (const s of this.sessions) if (s.isAuthed) s.notify(type, params);
  }

  /** Closes every connection once the replies already written have been flushed. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions].map((s) => s.close()));
  }
}
