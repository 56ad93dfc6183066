import * as http from 'node:http';
import { ConnectionDrain } from './connectionDrain';
import type { EndpointDeps } from './exchange';
import { handleRequest, type RequestPolicy } from './handleRequest';
import { allowedHosts } from './requestChecks';
import type { ServerSettings } from './serverSettings';
import type { SsePressureFigures } from './sseResponse';

/** What `status` reports about the endpoint. */
export interface EndpointState {
  enabled: boolean;
  listening: boolean;
  host: string;
  port: number;
  /** Set when enabled but the port could not be bound (in use, not permitted). */
  problem?: string;
  /** How often a stream waited for a client that did not read, and the most one left unsent. */
  backpressure: SsePressureFigures;
}

/**
 * Connections held open at once; past this a new one is closed as it is accepted. Each holds a
 * socket, its parser and the drain's entries, and the endpoint may listen beyond loopback, so the
 * count is bounded here rather than by the descriptors the OS allows (the daemon's socket has
 * the same bound).
 */
export const MAX_HTTP_CONNECTIONS = 1024;

export interface LocalEndpointOptions {
  token: string;
  /** MAX_HTTP_CONNECTIONS unless set (tests). */
  maxConnections?: number;
  deps: EndpointDeps;
  log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * The loopback HTTP listener, started, moved or stopped to match the `server` settings each time
 * they change. Plain node:http: five routes need no framework (bench/httpServerBench.ts).
 */
export class LocalEndpoint {
  private server: http.Server | undefined;
  private bound: { host: string; port: number } | undefined;
  private settings: ServerSettings | undefined;
  private problem: string | undefined;
  private connections: ConnectionDrain | undefined;
  /** Rebuilt on each settings change, not per request. */
  private policy: RequestPolicy | undefined;
  /** Settings changes run one after another, so a quick off-on never leaves two listeners. */
  private chain: Promise<void> = Promise.resolve();
  private readonly pressure: SsePressureFigures = { streamWaits: 0, peakUnsentBytes: 0 };

  constructor(private readonly opts: LocalEndpointOptions) {}

  apply(settings: ServerSettings): Promise<void> {
    this.chain = this.chain.then(
      () => this.reconcile(settings),
      () => this.reconcile(settings),
    );
    return this.chain;
  }

  state(): EndpointState {
    const s = this.settings;
    return {
      enabled: s?.enabled ?? false,
      listening: this.server?.listening ?? false,
      host: this.bound?.host ?? s?.host ?? '127.0.0.1',
      port: this.bound?.port ?? s?.port ?? 4141,
      ...(this.problem ? { problem: this.problem } : {}),
      backpressure: { ...this.pressure },
    };
  }

  /**
   * Stops listening. With `drainUntil` (Date.now() ms), the daemon's stop: requests in flight,
   * streams included, finish up to then, and new requests on open connections get 503. Without
   * it, as when the settings turn the endpoint off, open connections are cut at once.
   */
  close(drainUntil?: number): Promise<void> {
    this.chain = this.chain.then(
      () => this.stop(drainUntil),
      () => this.stop(drainUntil),
    );
    return this.chain;
  }

  private async reconcile(settings: ServerSettings): Promise<void> {
    this.settings = settings;
    const wanted = settings.enabled ? { host: settings.host, port: settings.port } : undefined;
    if (this.server && wanted && this.bound?.host === wanted.host && this.bound.port === wanted.port) {
      this.configure(this.server, settings, wanted);
      return;
    }
    await this.stop();
    if (!wanted) return;
    this.problem = undefined;
    const server = http.createServer({ requestTimeout: 0, headersTimeout: 30_000 }, (req, res) => {
      connections.track(req, res);
      const policy = connections.isDraining ? { ...this.policy!, stopping: true } : this.policy!;
      handleRequest(req, res, policy, this.opts.deps).catch((err: unknown) => {
        this.opts.log('error', 'local endpoint: request failed', {
          err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err),
        });
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end('{"error":{"message":"internal error; see the daemon log","type":"server_error"}}');
        } else res.destroy();
      });
    });
    server.maxConnections = this.opts.maxConnections ?? MAX_HTTP_CONNECTIONS;
    const connections = new ConnectionDrain(server);
    this.connections = connections;
    this.configure(server, settings, wanted);
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      else socket.destroy();
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: wanted.host, port: wanted.port, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      this.problem =
        code === 'EADDRINUSE'
          ? `port ${wanted.port} on ${wanted.host} is in use by another program; set server.port to a free port`
          : `could not listen on ${wanted.host}:${wanted.port} (${code ?? (err as Error).message}); check server.host and server.port`;
      this.opts.log('warn', `local endpoint not started: ${this.problem}`);
      return;
    }
    server.on('error', (err) => this.opts.log('error', 'local endpoint error', { err: err.message }));
    this.server = server;
    this.bound = wanted;
    const loopback = ['127.0.0.1', 'localhost', '::1'].includes(wanted.host);
    this.opts.log(loopback ? 'info' : 'warn', 'local endpoint listening', {
      host: wanted.host,
      port: wanted.port,
      ...(loopback ? {} : { warning: 'not a loopback address: reachable from the network' }),
    });
  }

  /** What may change without a new listener: the request policy and the keep-alive timeout. */
  private configure(server: http.Server, settings: ServerSettings, bound: { host: string; port: number }): void {
    this.policy = {
      token: this.opts.token,
      allowedHosts: allowedHosts(bound.host, bound.port),
      allowedOrigins: settings.allowedOrigins,
      maxBodyBytes: settings.maxBodyBytes,
      pressure: this.pressure,
    };
    server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  }

  private async stop(drainUntil?: number): Promise<void> {
    const server = this.server;
    const connections = this.connections;
    if (!server || !connections) return;
    this.server = undefined;
    this.bound = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    if (drainUntil === undefined) {
      // Idle keep-alive sockets would hold the port; requests in flight are cut (their clients see a reset).
      connections.destroyAll();
    } else {
      this.opts.log('info', 'local endpoint draining', { inFlight: connections.requestsInFlight });
      const { cut } = await connections.drain(drainUntil);
      if (cut > 0) this.opts.log('warn', 'local endpoint: requests cut at the stop deadline', { cut });
    }
    await closed;
    this.opts.log('info', 'local endpoint stopped');
  }
}
