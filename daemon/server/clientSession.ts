import type * as net from 'node:net';
import {
  createMessageConnection,
  ResponseError,
  type MessageConnection,
  type NotificationType,
} from 'vscode-jsonrpc/node';
import {
  ChatSendRequest,
  ConduitError,
  HelloRequest,
  PingRequest,
  PROTOCOL_VERSION,
  RpcErrorCodes,
  StatusRequest,
  StopRequest,
  type ClientKind,
  type ConduitErrorData,
  type ToolCallDelta,
} from '../../protocol';
import { tokensEqual } from '../home/token';
import { chunkBodies } from './chunkFrame';
import { CountingReader } from './countingReader';
import { DrainingWriter } from './drainingWriter';
import { FrameGuard } from './frameGuard';
import { DEFAULT_PRESSURE_LIMITS, ReplyPressure, type PressureFigures, type PressureLimits } from './replyPressure';
import { validatingConnection } from './validatingConnection';
import { toResponseError } from './handlers/answer';

export interface SessionHost {
  readonly token: string;
  readonly maxMessageBytes: number;
  readonly handshakeTimeoutMs: number;
  /** Resolves when the daemon has finished starting (ledger, queue); hellos wait for it. */
  readonly ready?: Promise<void>;
  hello(): { version: string; pid: number; capabilities: string[] };
  chat: (
    params: unknown,
    client: ClientKind,
    signal: AbortSignal,
    onChunk: ChunkWriter | undefined,
  ) => Promise<unknown>;
  status: (settleMemory: boolean) => unknown;
  stop: () => void;
  log: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
  requestStarted(): void;
  requestEnded(): void;
  /** More request handlers (usage, cache, keys…), each area in its own file under server/handlers/. */
  extraHandlers?: readonly RegisterHandlers[];
  /** Chat requests one connection may have in flight; MAX_REQUESTS_PER_CONNECTION unless set (tests). */
  maxRequestsPerConnection?: number;
  /** Where every connection counts its flow control's pauses and waits (daemon/status). */
  pressureFigures: PressureFigures;
  /** The flow control's marks; replyPressure.ts's unless set (tests). */
  pressureLimits?: Partial<PressureLimits>;
}

/**
 * Chat requests one connection may have in flight at once. Each holds its request, its abort
 * controller and its upstream call until answered, so without a bound one client could hold any
 * number; past this a request is answered `queue_full` at once. Far above what a window or the
 * CLI sends (the benchmarks go to 64); with the 1,024 connections, the daemon's bound.
 */
export const MAX_REQUESTS_PER_CONNECTION = 1024;

/** Writes one chunk; a promise when the stream must wait for its client before the next one. */
export type ChunkWriter = (delta: string, seq: number, toolCall?: ToolCallDelta) => Promise<void> | undefined;

/** Registers one area's handlers. `requireAuth` throws (and drops the client) before the handshake. */
export type RegisterHandlers = (connection: MessageConnection, ctx: HandlerContext) => void;

export interface HandlerContext {
  requireAuth: () => void;
  client: () => ClientKind;
  /** This connection's id, unique in the daemon's lifetime (session-scoped state is keyed by it). */
  session: number;
  /** Runs once when this connection closes, however it closes. */
  onClose: (listener: () => void) => void;
}

let nextSessionId = 1;

/**
 * One client connection. Nothing but `daemon/hello` is served until the client proves it holds
 * the token; a client that stays silent past the deadline, sends a bad token or a malformed
 * frame is disconnected. Requests in flight are aborted when the connection goes away.
 */
export class ClientSession {
  readonly id = nextSessionId++;
  private readonly connection: MessageConnection;
  private readonly guard: FrameGuard;
  private readonly writer: DrainingWriter;
  private readonly pressure: ReplyPressure;
  private authed = false;
  private client: ClientKind = 'other';
  private readonly inFlight = new Set<AbortController>();
  private readonly deadline: NodeJS.Timeout;
  private closed = false;
  private flushed: Promise<void> = Promise.resolve();
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly socket: net.Socket,
    private readonly host: SessionHost,
    private readonly onClosed: (s: ClientSession) => void,
  ) {
    socket.setNoDelay(true);
    const guard = new FrameGuard(host.maxMessageBytes);
    this.guard = guard;
    guard.on('error', (err) => this.drop(`malformed frame: ${err.message}`));
    socket.on('error', () => void this.close());
    socket.on('close', () => void this.close());
    socket.pipe(guard);
    const limits = { ...DEFAULT_PRESSURE_LIMITS, ...host.pressureLimits };
    this.pressure = new ReplyPressure(socket, guard, limits, host.pressureFigures);
    this.pressure.onOverflow((bytes) => this.drop(`client not reading its replies: ${bytes} bytes unsent`));
    this.writer = new DrainingWriter(socket, this.pressure);
    this.connection = createMessageConnection(new CountingReader(guard, this.pressure), this.writer);
    this.connection.onError(([err]) => this.drop(`protocol error: ${err.message}`));
    this.connection.onClose(() => void this.close());
    this.deadline = setTimeout(() => {
      if (!this.authed) this.drop('no handshake before the deadline');
    }, host.handshakeTimeoutMs);
    this.deadline.unref();
    this.register();
    this.connection.listen();
  }

  get isAuthed(): boolean {
    return this.authed;
  }

  /** True while this connection's frames are not read, its client being behind on its replies. */
  get readingPaused(): boolean {
    return this.pressure.readingPaused;
  }

  private register(): void {
    // Every method's params are checked against its schema before its handler runs.
    const c = validatingConnection(
      this.connection,
      () => this.requireAuth(),
      () =>
        this.pressure.beforeHandler()?.then(() => {
          // Woken by the close, not by the client reading: nothing is started for a client gone.
          if (this.closed) throw new Error('The connection closed.');
        }),
    );
    c.onRequest(HelloRequest.type, async (params) => {
      if (!params || typeof params.token !== 'string' || !tokensEqual(params.token, this.host.token)) {
        // Answer first so an honest client with a stale token learns why, then hang up.
        this.writer.afterNextWrite(() => this.drop('bad token'));
        return new ResponseError(
          RpcErrorCodes.unauthorized,
          'Unauthorized: the token does not match. Restart the client so it rereads CONDUIT_HOME/token.',
          errorData('unauthorized', 'The token does not match.'),
        );
      }
      clearTimeout(this.deadline);
      this.guard.authenticated();
      // The socket is up before the ledger and the queue are open; the hello waits for them, so
      // no request can arrive at a half-started daemon.
      await this.host.ready;
      this.authed = true;
      this.client = params.client === 'vscode' || params.client === 'cli' ? params.client : 'other';
      const info = this.host.hello();
      return { protocolVersion: PROTOCOL_VERSION, ...info, maxMessageBytes: this.host.maxMessageBytes };
    });
    c.onRequest(ChatSendRequest.type, async (params, token) => {
      this.requireAuth();
      const max = this.host.maxRequestsPerConnection ?? MAX_REQUESTS_PER_CONNECTION;
      if (this.inFlight.size >= max)
        return toResponseError(
          new ConduitError({
            code: 'queue_full',
            message: `This connection already has ${max} requests in flight; nothing was sent. Retry once some are answered.`,
          }),
        );
      const controller = new AbortController();
      this.inFlight.add(controller);
      const cancel = token.onCancellationRequested(() => controller.abort());
      this.host.requestStarted();
      try {
        const stream = isStreaming(params);
        const requestId = typeof params?.requestId === 'string' ? params.requestId : '';
        const onChunk = stream ? this.chunkWriter(requestId) : undefined;
        return (await this.host.chat(params, this.client, controller.signal, onChunk)) as never;
      } catch (err) {
        return toResponseError(err);
      } finally {
        cancel.dispose();
        this.inFlight.delete(controller);
        this.host.requestEnded();
      }
    });
    c.onRequest(PingRequest.type, (params) => {
      this.requireAuth();
      return { payload: params?.payload ?? null };
    });
    c.onRequest(StatusRequest.type, (params) => {
      this.requireAuth();
      return this.host.status(params?.settleMemory === true) as never;
    });
    const ctx: HandlerContext = {
      requireAuth: () => this.requireAuth(),
      client: () => this.client,
      session: this.id,
      onClose: (listener) => this.closeListeners.push(listener),
    };
    for (const register of this.host.extraHandlers ?? []) register(c, ctx);
    c.onRequest(StopRequest.type, () => {
      this.requireAuth();
      this.writer.afterNextWrite(() => this.host.stop());
      return { pid: process.pid };
    });
  }

  /**
   * A stream's chunks go straight to the socket, one frame each, without a promise per chunk
   * (chunkFrame.ts). Once the client is far behind, the writer hands back a promise, and the
   * stream waits on it before pulling its next piece from the upstream.
   */
  private chunkWriter(requestId: string): ChunkWriter {
    const body = chunkBodies(requestId);
    return (delta, seq, toolCall) => {
      if (this.closed) return undefined;
      this.writer.writeBody(body(delta, seq, toolCall));
      return this.pressure.chunkWritten();
    };
  }

  private requireAuth(): void {
    if (!this.authed) {
      this.writer.afterNextWrite(() => this.drop('request before handshake'));
      throw new ResponseError(
        RpcErrorCodes.unauthorized,
        'Unauthorized: send daemon/hello with the token first.',
        errorData('unauthorized', 'Handshake required.'),
      );
    }
  }

  notify<P extends object>(type: NotificationType<P>, params: P): void {
    if (!this.closed) void this.connection.sendNotification(type, params as never).catch(() => undefined);
  }

  /** Disconnects a misbehaving client. */
  drop(reason: string): void {
    if (this.closed) return;
    this.host.log('warn', 'dropping connection', { session: this.id, reason });
    void this.close();
  }

  /**
   * Ends the connection: replies already written (an "unauthorized", the answer to
   * `daemon/stop`) are flushed first, and a peer that will not finish closing is cut off.
   */
  close(): Promise<void> {
    if (this.closed) return this.flushed;
    this.closed = true;
    clearTimeout(this.deadline);
    for (const controller of this.inFlight) controller.abort();
    for (const listener of this.closeListeners.splice(0)) listener();
    this.flushed = this.writer.drain().then(() => {
      this.socket.end();
      this.connection.dispose();
    });
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.onClosed(this);
    return this.flushed;
  }
}

function isStreaming(params: unknown): boolean {
  if (!params || typeof params !== 'object') return false;
  const request = (params as { request?: { stream?: unknown } }).request;
  return request?.stream === true;
}

function errorData(code: ConduitErrorData['code'], message: string): ConduitErrorData {
  return { code, message };
}
