import * as net from 'node:net';
import * as path from 'node:path';
import { CancellationTokenSource, createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  ChatChunkNotification,
  ChatSendRequest,
  CONDUIT_VERSION,
  ConduitError,
  HelloRequest,
  PingRequest,
  PROTOCOL_VERSION,
  StatusRequest,
  StopRequest,
  type ChatChunk,
  type ChatRequest,
  type ChatResult,
  type ClientKind,
  type HelloResult,
  type StatusResult,
} from '../../protocol';
import { FrameWriter } from '../server/frameWriter';
import { FrameReader, STREAM_ENDED } from './frameReader';
import { conduitHome, homeLayout } from '../home/conduitHome';
import { auditHome } from '../home/safePath';
import { socketAddress } from '../home/socketAddress';
import { readOrCreateToken } from '../home/token';
import { newRequestId } from './requestId';
import { toConduitError, tooLarge, unavailable } from './rpcErrors';
import type { SpawnOptions } from './spawnDaemon';
import { tryConnect, waitForDaemon } from './waitForDaemon';

export { toConduitError } from './rpcErrors';

export interface ConnectOptions {
  client: ClientKind;
  home?: string;
  /** Start the daemon when none is listening. */
  autoStart?: boolean;
  spawn?: Omit<SpawnOptions, 'logsDir'>;
  /** How long to wait for a freshly started daemon to accept connections. */
  startTimeoutMs?: number;
  /** How long the daemon has to answer the handshake. */
  helloTimeoutMs?: number;
  /** Internal: set while replacing a daemon that speaks another protocol version. */
  replacingOutdated?: boolean;
}

export interface ChatCallOptions {
  onChunk?: (chunk: ChatChunk) => void;
  signal?: AbortSignal;
}

/**
 * A connection to the user's daemon: connects (starting it when needed), authenticates, and
 * offers typed calls. The CLI and the extension share it.
 */
export class DaemonClient {
  private readonly chunkHandlers = new Map<string, (chunk: ChatChunk) => void>();
  private closedFlag = false;

  private constructor(
    readonly connection: MessageConnection,
    private readonly socket: net.Socket,
    readonly hello: HelloResult,
    private readonly writer: FrameWriter,
  ) {
    connection.onNotification(ChatChunkNotification.type, (chunk) => this.chunkHandlers.get(chunk.requestId)?.(chunk));
    // vscode-jsonrpc leaves pending requests waiting when the peer hangs up; disposing the
    // connection rejects them, so a caller never waits on a daemon that is gone. It is disposed on
    // the reader's STREAM_ENDED, not on 'close', so every answer read before the end counts.
    socket.on('close', () => (this.closedFlag = true));
    connection.onNotification(STREAM_ENDED, () => {
      this.closedFlag = true;
      connection.dispose();
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  onClose(listener: () => void): void {
    this.socket.on('close', listener);
  }

  static async connect(opts: ConnectOptions): Promise<DaemonClient> {
    const layout = homeLayout(opts.home ?? conduitHome());
    // Checked here, before any daemon starts: a home problem is named at once, with its path.
    auditHome(layout.home);
    const token = readOrCreateToken(layout.tokenFile);
    const address = socketAddress(layout.runDir, token);
    let socket = await tryConnect(address.path);
    if (!socket) {
      if (!opts.autoStart)
        throw unavailable(`No Conduit daemon is running (socket ${address.path}). Start one with \`conduit daemon\`.`);
      if (!opts.spawn) throw new Error('autoStart needs spawn options');
      // Loaded only here: child_process (and dgram, which it loads) is a cost every warm
      // `conduit ask` paid for a daemon it did not start.
      const { spawnDaemon } = await import('./spawnDaemon');
      const started = spawnDaemon({ ...opts.spawn, logsDir: layout.logsDir });
      socket = await waitForDaemon(address.path, started, { timeoutMs: opts.startTimeoutMs ?? 15_000 });
      if (!socket) {
        const exited = await Promise.race([started.outcome, Promise.resolve(undefined)]);
        throw unavailable(
          `${exited === 'exited' ? 'The Conduit daemon exited before it accepted connections' : `The Conduit daemon did not start within ${Math.round((opts.startTimeoutMs ?? 15_000) / 1000)} s`}. See ${path.join(layout.logsDir, 'daemon-stderr.log')} and ${path.join(layout.logsDir, 'daemon.log')}.`,
        );
      }
    }
    const writer = new FrameWriter(socket);
    const connection = createMessageConnection(new FrameReader(socket), writer);
    // A daemon that dies after accepting, or never answers, must not leave the caller waiting:
    // the socket's end (after any answer read before it) or a deadline disposes the connection,
    // which rejects the hello. The client's own handler replaces this one once the hello is in.
    const giveUp = () => connection.dispose();
    connection.onNotification(STREAM_ENDED, giveUp);
    connection.listen();
    const helloTimer = setTimeout(giveUp, opts.helloTimeoutMs ?? 10_000);
    try {
      const hello = await connection.sendRequest(HelloRequest.type, {
        protocolVersion: PROTOCOL_VERSION,
        token,
        client: opts.client,
        clientVersion: CONDUIT_VERSION,
      });
      clearTimeout(helloTimer);
      if (hello.protocolVersion !== PROTOCOL_VERSION && opts.autoStart && !opts.replacingOutdated) {
        // An older (or newer) daemon from before an update: ask it to finish its work and exit,
        // then start one that speaks our version.
        await connection.sendRequest(StopRequest.type).catch(() => undefined);
        await new Promise<void>((resolve) => {
          if (socket.destroyed) resolve();
          else socket.once('close', () => resolve());
        });
        connection.dispose();
        await waitForGone(address.path, 15_000);
        return DaemonClient.connect({ ...opts, replacingOutdated: true });
      }
      return new DaemonClient(connection, socket, hello, writer);
    } catch (err) {
      clearTimeout(helloTimer);
      connection.dispose();
      socket.destroy();
      throw toConduitError(err);
    }
  }

  async chat(request: ChatRequest, opts: ChatCallOptions = {}): Promise<ChatResult> {
    const requestId = newRequestId();
    const source = new CancellationTokenSource();
    const onAbort = () => source.cancel();
    if (opts.signal?.aborted) throw new ConduitError({ code: 'cancelled', message: 'The request was cancelled.' });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    // The frame writer measures the request as it serializes it, and refuses it unwritten when too
    // large: the daemon would cut the connection mid-write (EPIPE), and a second JSON.stringify
    // here cost every request its size in time.
    const params = { requestId, request };
    this.writer.capMessage(params, this.hello.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
    if (opts.onChunk) this.chunkHandlers.set(requestId, opts.onChunk);
    try {
      return await this.connection.sendRequest(ChatSendRequest.type, params, source.token);
    } catch (err) {
      const refused = this.writer.oversized(params);
      if (refused) throw tooLarge(refused.bytes, refused.maxBytes);
      throw toConduitError(err);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      this.chunkHandlers.delete(requestId);
      source.dispose();
    }
  }

  async status(settleMemory = false): Promise<StatusResult> {
    try {
      return await this.connection.sendRequest(StatusRequest.type, { settleMemory });
    } catch (err) {
      throw toConduitError(err);
    }
  }

  /** A round trip that does no work: the daemon echoes `payload`. */
  async ping<T>(payload: T): Promise<T> {
    try {
      return (await this.connection.sendRequest(PingRequest.type, { payload })).payload as T;
    } catch (err) {
      throw toConduitError(err);
    }
  }

  /**
   * Asks the daemon to stop. It replies, then closes the connection; a reply read together with
   * the close still counts (FrameReader). A connection that was open when the request left and
   * ended without its answer (the daemon went before writing it) is the stop we asked for: the
   * hello named the pid.
   */
  async stop(): Promise<{ pid: number }> {
    const wasOpen = !this.closedFlag;
    try {
      return await this.connection.sendRequest(StopRequest.type);
    } catch (err) {
      const error = toConduitError(err);
      if (wasOpen && this.closedFlag && error.code === 'daemon_unavailable') return { pid: this.hello.pid };
      throw error;
    }
  }

  close(): void {
    this.connection.dispose();
    this.socket.destroy();
  }
}

/** The daemon's default cap, for a daemon too old to say its own in the hello. */
export const DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

async function waitForGone(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const socket = await tryConnect(address);
    if (!socket) return;
    socket.destroy();
    await new Promise((r) => setTimeout(r, 50));
  }
}
