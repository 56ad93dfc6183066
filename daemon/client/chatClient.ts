import type * as net from 'node:net';
import { ResponseError } from 'vscode-jsonrpc';
import {
  CONDUIT_VERSION,
  ConduitError,
  PROTOCOL_VERSION,
  type ChatChunk,
  type ChatRequest,
  type ChatResult,
  type HelloResult,
} from '../../protocol';
import { conduitHome, homeLayout } from '../home/conduitHome';
import { auditHome } from '../home/safePath';
import { socketAddress } from '../home/socketAddress';
import { readOrCreateToken } from '../home/token';
import { FrameSplitter } from './frameSplitter';
import { newRequestId } from './requestId';
import { toConduitError, tooLarge } from './rpcErrors';
import { tryConnect } from './waitForDaemon';

export interface ChatCallOptions {
  onChunk?: (chunk: ChatChunk) => void;
  signal?: AbortSignal;
}

/** What `conduit ask` needs of a connection: DaemonClient has the same two methods. */
export interface ChatConnection {
  chat(request: ChatRequest, opts?: ChatCallOptions): Promise<ChatResult>;
  close(): void;
}

/** As in DaemonClient: the daemon's cap when its hello does not say, and the hello's deadline. */
const DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
const HELLO_TIMEOUT_MS = 10_000;

interface Pending {
  resolve(result: unknown): void;
  reject(err: unknown): void;
}

/**
 * A one-shot client for `conduit ask` against a daemon that is already running: the same wire
 * protocol as DaemonClient (JSON-RPC 2.0 in `Content-Length` frames, the hello, `chat/send`,
 * `chat/chunk`, `$/cancelRequest`) and the same errors, without vscode-jsonrpc's connection
 * machinery, which a warm ask spent more time evaluating and setting up than on its one request.
 * `connect` returns undefined for anything else (no daemon listening, a daemon of another
 * protocol version): the caller then uses DaemonClient, which starts or replaces the daemon.
 */
export class ChatClient implements ChatConnection {
  private readonly pending = new Map<number, Pending>();
  private readonly chunkHandlers = new Map<string, (chunk: ChatChunk) => void>();
  private nextId = 0;
  private readonly frames = new FrameSplitter();
  private closedFlag = false;
  private hello: HelloResult | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (data: Buffer) => this.read(data));
    // A write error (EPIPE) is followed by 'close', which rejects what is pending.
    socket.on('error', () => undefined);
    socket.on('close', () => this.closed());
  }

  static async connect(home = conduitHome()): Promise<ChatClient | undefined> {
    const layout = homeLayout(home);
    auditHome(layout.home);
    const token = readOrCreateToken(layout.tokenFile);
    const socket = await tryConnect(socketAddress(layout.runDir, token).path);
    if (!socket) return undefined;
    const client = new ChatClient(socket);
    // A daemon that accepts but never answers must not leave the caller waiting.
    const timer = setTimeout(() => client.close(), HELLO_TIMEOUT_MS);
    try {
      const hello = (await client.request('daemon/hello', {
        protocolVersion: PROTOCOL_VERSION,
        token,
        client: 'cli',
        clientVersion: CONDUIT_VERSION,
      })) as HelloResult;
      if (hello.protocolVersion !== PROTOCOL_VERSION) {
        client.close();
        return undefined;
      }
      client.hello = hello;
      return client;
    } catch (err) {
      client.close();
      throw toConduitError(err);
    } finally {
      clearTimeout(timer);
    }
  }

  async chat(request: ChatRequest, opts: ChatCallOptions = {}): Promise<ChatResult> {
    if (opts.signal?.aborted) throw new ConduitError({ code: 'cancelled', message: 'The request was cancelled.' });
    const requestId = newRequestId();
    const id = this.nextId++;
    const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'chat/send', params: { requestId, request } });
    const bytes = Buffer.byteLength(body, 'utf8');
    const maxBytes = this.hello?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    // Refused unwritten: the daemon would cut the connection mid-write.
    if (bytes > maxBytes) throw tooLarge(bytes, maxBytes);
    const onAbort = () => this.notify('$/cancelRequest', { id });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.onChunk) this.chunkHandlers.set(requestId, opts.onChunk);
    try {
      return (await this.send(id, body, bytes)) as ChatResult;
    } catch (err) {
      throw toConduitError(err);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      this.chunkHandlers.delete(requestId);
    }
  }

  close(): void {
    this.socket.destroy();
    this.closed();
  }

  private request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    const body = JSON.stringify({ jsonrpc: '2.0', id, method, params });
    return this.send(id, body, Buffer.byteLength(body, 'utf8'));
  }

  private send(id: number, body: string, bytes: number): Promise<unknown> {
    if (this.closedFlag) return Promise.reject(disposed());
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write(body, bytes);
    });
  }

  private notify(method: string, params: unknown): void {
    if (this.closedFlag) return;
    const body = JSON.stringify({ jsonrpc: '2.0', method, params });
    this.write(body, Buffer.byteLength(body, 'utf8'));
  }

  /** Header and body in one write, as FrameWriter does. */
  private write(body: string, bytes: number): void {
    this.socket.write(`Content-Length: ${bytes}\r\n\r\n${body}`, 'utf8');
  }

  private read(data: Buffer): void {
    // Past a frame that is not this protocol's, the stream cannot be trusted.
    if (this.frames.push(data, (msg) => this.dispatch(msg as Message))) this.close();
  }

  private dispatch(msg: Message): void {
    if (msg.method !== undefined) {
      if (msg.method === 'chat/chunk') {
        const chunk = msg.params as ChatChunk;
        this.chunkHandlers.get(chunk.requestId)?.(chunk);
      } else if (msg.id !== undefined && msg.id !== null) {
        // The daemon asks clients nothing today; answer as vscode-jsonrpc would, not silently.
        const body = JSON.stringify({
          jsonrpc: '2.0',
          id: msg.id,
          error: { code: -32601, message: `Unhandled method ${msg.method}` },
        });
        this.write(body, Buffer.byteLength(body, 'utf8'));
      }
      return;
    }
    if (typeof msg.id !== 'number') return;
    const waiting = this.pending.get(msg.id);
    if (!waiting) return;
    this.pending.delete(msg.id);
    if (msg.error) waiting.reject(new ResponseError(msg.error.code, msg.error.message, msg.error.data));
    else waiting.resolve(msg.result);
  }

  private closed(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const waiting of this.pending.values()) waiting.reject(disposed());
    this.pending.clear();
  }
}

interface Message {
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** The error vscode-jsonrpc gives a request still pending when its connection closes. */
function disposed(): ResponseError<void> {
  return new ResponseError(-32097, 'Pending response rejected since connection got disposed');
}
