import * as fs from 'node:fs';
import {
  AlertsRaisedNotification,
  CONDUIT_VERSION,
  JobFinishedNotification,
  PROTOCOL_VERSION,
  ProviderIds,
  type StatusResult,
} from '../protocol';
import { configSchema, ConfigError, loadConfig, resolveProvider, type ConduitConfig } from './config/config';
import { shouldQueue } from './gateway/fallbackRules';
import { Gateway } from './gateway/gateway';
import { Redactor } from './guard/redact';
import { conduitHome, ensurePrivateDir, homeLayout } from './home/conduitHome';
import { socketAddress } from './home/socketAddress';
import { readOrCreateToken } from './home/token';
import { Logger } from './log/logger';
import { BreakerRegistry } from './resilience/breakerRegistry';
import { openQueue } from './resilience/openQueue';
import { QueueWorker } from './resilience/queueWorker';
import { resolveKey } from './secrets/keySource';
import { DaemonServer } from './server/daemonServer';
import { jobsHandlers } from './server/handlers/jobsHandlers';
import { usageHandlers } from './server/handlers/usageHandlers';
import { bindSingleInstance } from './server/singleInstance';
import { AlertMonitor } from './usage/alertMonitor';
import { UsageLedger } from './usage/usageLedger';

export interface DaemonOptions {
  foreground?: boolean;
}

export type DaemonExit = 'already-running' | 'stopped';

const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Starts the per-user daemon and resolves when it has exited its serving loop. Startup order
 * matters: the home and token exist before the socket does, so a client that can connect can
 * always authenticate; the databases open only once this process owns the socket, so a second
 * daemon never touches them.
 */
export async function runDaemon(opts: DaemonOptions = {}): Promise<DaemonExit> {
  const layout = homeLayout(conduitHome());
  ensurePrivateDir(layout.home);
  const token = readOrCreateToken(layout.tokenFile);
  const redactor = new Redactor();
  redactor.addSecret(token);
  for (const id of ProviderIds) redactor.addSecret(resolveKey(id).key);

  let config: ConduitConfig;
  let configProblem: string | undefined;
  try {
    config = loadConfig(layout.configFile);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    configProblem = err.message;
    config = configSchema.parse({});
  }
  const logger = new Logger({ dir: layout.logsDir, redactor, level: config.logLevel, echo: opts.foreground === true });
  if (configProblem) logger.error('config invalid; using defaults', { problem: configProblem });
  const log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => logger.write(level, msg, fields);

  const address = socketAddress(layout.runDir, token);
  if (address.dir) ensurePrivateDir(address.dir);

  const idleTimeoutMs = Number(process.env.CONDUIT_IDLE_TIMEOUT_MS) || config.idleTimeoutMinutes * 60_000;
  const startedAt = Date.now();
  const ledger = UsageLedger.inHome(layout.home, { log });
  const queue = await openQueue(layout.home, log);
  const breakers = new BreakerRegistry(() => config.resilience.breaker, {
    onEvent: (event, snapshot) => {
      log(event === 'break' ? 'warn' : 'info', `circuit ${event}`, { circuit: snapshot });
      // A circuit closing again means its provider answers: run what waited for it.
      if (event === 'reset') void queue?.wake().then(() => worker?.drain());
    },
  });
  const gateway = new Gateway({ config: () => config, logger, redactor, breakers, recorder: ledger, ...(queue ? { queue } : {}) });
  const worker = queue
    ? new QueueWorker({
        queue,
        run: (job, signal) => gateway.send(job.request, { requestId: job.id, client: 'other', signal, fromQueue: true }),
        retryable: shouldQueue,
        onFinished: (job) => server.broadcast(JobFinishedNotification.type, job),
        log: (level, msg, fields) => log(level, msg, fields),
      })
    : undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  let resolveExit!: (exit: DaemonExit) => void;
  const exited = new Promise<DaemonExit>((r) => { resolveExit = r; });

  const alerts = new AlertMonitor({
    ledger,
    thresholds: () => config.alerts,
    onEvent: (e) => {
      server.broadcast(AlertsRaisedNotification.type, e);
      log(e.type === 'cleared' ? 'info' : e.alert.severity === 'critical' ? 'error' : 'warn', `alert ${e.type}: ${e.alert.message}`, { alert: e.alert.id, value: e.alert.value, threshold: e.alert.threshold });
    },
  });

  const server = new DaemonServer({
    token,
    maxMessageBytes: config.maxMessageBytes,
    handshakeTimeoutMs: Number(process.env.CONDUIT_HANDSHAKE_TIMEOUT_MS) || 3000,
    maxConnections: 1024,
    hello: () => ({ version: CONDUIT_VERSION, pid: process.pid, capabilities: ['chat', 'stream', 'status', 'usage', 'alerts', 'jobs'] }),
    chat: (params, client, signal, onChunk) => {
      const p = (params ?? {}) as { requestId?: unknown; request?: unknown };
      const requestId = typeof p.requestId === 'string' && p.requestId.length <= 200 ? p.requestId : `req_${Date.now()}`;
      return gateway.send(p.request, { requestId, client, signal, ...(onChunk ? { sink: { chunk: onChunk } } : {}) });
    },
    status: (settleMemory) => status(settleMemory),
    stop: () => void shutdown('stop requested'),
    log: (level, msg, fields) => log(level, msg, fields),
    extraHandlers: [usageHandlers({ ledger, alerts }), ...(queue ? [jobsHandlers(queue)] : [])],
    onIdleChange: (idle) => {
      if (idleTimer) { clearTimeout(idleTimer); idleTimer = undefined; }
      if (idle && !stopping) armIdleTimer();
    },
  });

  function armIdleTimer(): void {
    idleTimer = setTimeout(() => {
      // Queued background work keeps the daemon up: it is the only process that can run it.
      void (queue?.pendingCount() ?? Promise.resolve(0)).then((pending) => (pending > 0 ? armIdleTimer() : shutdown('idle')), () => shutdown('idle'));
    }, idleTimeoutMs);
    idleTimer.unref();
  }

  function status(settleMemory: boolean): StatusResult {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (settleMemory && gc) gc();
    const mem = process.memoryUsage();
    return {
      pid: process.pid,
      version: CONDUIT_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      uptimeMs: Date.now() - startedAt,
      clients: server.clients,
      inFlight: server.requestsInFlight,
      requestsServed: server.requestsServed,
      home: layout.home,
      socket: address.path,
      idleTimeoutMs,
      memory: { rss: mem.rss, heapUsed: mem.heapUsed },
      circuits: breakers.snapshots(),
      ledger: ledger.status(),
      alerts: alerts.list().active,
      providers: ProviderIds.map((id) => {
        const resolved = resolveProvider(config, id);
        return { id, keySource: resolveKey(id).source, baseURL: redactor.text(resolved.baseURL), defaultModel: resolved.model };
      }),
    };
  }

  async function shutdown(reason: string): Promise<void> {
    if (stopping) return stopping;
    stopping = (async () => {
      log('info', 'daemon stopping', { reason, inFlight: server.requestsInFlight });
      if (idleTimer) clearTimeout(idleTimer);
      server.server.close();
      await worker?.stop();
      const deadline = Date.now() + SHUTDOWN_GRACE_MS;
      while (server.requestsInFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await server.closeAll();
      alerts.stop();
      await ledger.close();
      await queue?.close();
      if (process.platform !== 'win32') fs.rmSync(address.path, { force: true });
      log('info', 'daemon stopped', { reason });
      await logger.close();
      resolveExit('stopped');
    })();
    return stopping;
  }

  const bound = await bindSingleInstance(address.path, () => server.server);
  if (bound.kind === 'already-running') {
    log('info', 'another daemon is already running; exiting', { socket: address.path });
    await queue?.close();
    await logger.close();
    return 'already-running';
  }
  await ledger.open();
  await queue?.init();
  alerts.start();
  worker?.start();
  log('info', 'daemon listening', { socket: address.path, version: CONDUIT_VERSION, protocolVersion: PROTOCOL_VERSION, node: process.version, idleTimeoutMs });
  server.server.on('error', (err) => log('error', 'server error', { err: err.message }));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.on('uncaughtException', (err) => {
    // State after an uncaught exception is unknown; exit and let the next client start afresh.
    log('error', 'uncaught exception; exiting', { err: { message: err.message, stack: err.stack } });
    void logger.close().finally(() => process.exit(70));
  });
  process.on('unhandledRejection', (err) => {
    log('error', 'unhandled rejection', { err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) });
  });
  return exited;
}

// Run when this file is the entry point (dist/daemon.js), not when the CLI loads it.
if (require.main === module) {
  runDaemon({ foreground: process.argv.includes('--foreground') })
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      process.stderr.write(`conduit daemon: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
