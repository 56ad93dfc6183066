import * as fs from 'node:fs';
import { AlertsRaisedNotification, BatchFinishedNotification, CONDUIT_VERSION, JobFinishedNotification, PROTOCOL_VERSION, ProviderIds, type Alert, type AlertEvent, type ChatRequest, type ClientKind, type StatusResult } from '../protocol';
import { batchJobs } from './batch/batchJobs';
import { openBatchStore } from './batch/openBatchStore';
import { batchHandlers } from './server/handlers/batchHandlers';
import { warmCache } from './cache/cacheWarmer';
import { openCache } from './cache/openCache';
import { ResponseCache } from './cache/responseCache';
import { resolveProvider, type ConduitConfig } from './config/config';
import { configAlert, loadConfigReport } from './config/configReport';
import { chainStatus } from './resilience/defaultChain';
import { restartNeeded } from './config/restartSettings';
import { shouldQueue } from './gateway/fallbackRules';
import { Gateway } from './gateway/gateway';
import { modelsInUse } from './gateway/routeStep';
import { configuredDeprecations } from './router/deprecations';
import { experimentResults } from './router/experimentResults';
import { routerHandlers } from './server/handlers/routerHandlers';
import { BudgetAlerts } from './usage/budgetAlerts';
import { readSpend } from './usage/budgetSpend';
import { BudgetTable } from './usage/budgetTable';
import { experimentRows, saveRating } from './usage/ratings';
import { Redactor } from './guard/redact';
import { conduitHome, homeLayout } from './home/conduitHome';
import { auditHome, securePrivateDir } from './home/safePath';
import { socketAddress } from './home/socketAddress';
import { readOrCreateToken } from './home/token';
import { Logger } from './log/logger';
import { BreakerRegistry } from './resilience/breakerRegistry';
import { openQueue } from './resilience/openQueue';
import { QueueWorker } from './resilience/queueWorker';
import { OsKeychain } from './secrets/keychain';
import { ambientSecrets } from './secrets/credentialKind';
import { keychainService } from './secrets/keychainService';
import { KeyRing } from './secrets/keyRing';
import { resolveKey } from './secrets/keySource';
import { verifyKey } from './secrets/keyVerify';
import { keyHandlers } from './server/handlers/keyHandlers';
import { DaemonServer } from './server/daemonServer';
import { cacheHandlers } from './server/handlers/cacheHandlers';
import { configHandlers } from './server/handlers/configHandlers';
import { feedbackHandlers } from './server/handlers/feedbackHandlers';
import { jobsHandlers } from './server/handlers/jobsHandlers';
import { usageHandlers } from './server/handlers/usageHandlers';
import { bindSingleInstance } from './server/singleInstance';
import { RateLimiter } from './ratelimit/rateLimiter';
import { AlertMonitor } from './usage/alertMonitor';
import { deprecationAlert, keyRejectedAlert, type KeyRejection } from './usage/eventAlerts';
import { UsageLedger } from './usage/usageLedger';
import { teamHandlers } from './server/handlers/teamHandlers';
import { Team } from './team/team';
import { readTeamPassword, storeTeamPassword } from './team/teamPassword';
import { teamRedisUrl } from './team/teamSettings';
import type { TeamHooks } from './gateway/teamSteps';
import type { RequestRecorder } from './usage/requestRecord';

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
  auditHome(layout.home);
  const token = readOrCreateToken(layout.tokenFile);
  const redactor = new Redactor();
  redactor.addSecret(token);
  for (const id of ProviderIds) redactor.addSecret(resolveKey(id).key);
  for (const secret of ambientSecrets(process.env)) redactor.addSecret(secret);
  // Keychain keys are read once, here, and kept in memory: requests never wait on D-Bus.
  const ring = new KeyRing(new OsKeychain(keychainService(layout.home)), (key) => redactor.addSecret(key));
  const keysLoaded = ring.load();

  // A bad key takes its default and is reported (status, alert); the rest of the file applies.
  let configReport = loadConfigReport(layout.configFile);
  for (const secret of configReport.secrets) redactor.addSecret(secret);
  let config: ConduitConfig = configReport.config;
  const logger = new Logger({ dir: layout.logsDir, redactor, level: config.logLevel, echo: opts.foreground === true });
  // What the parts built at start were built with; see config/restartSettings.ts.
  const startedWith = config;
  // "config invalid" is what tests and users grep for; a warning alone is not invalid.
  if (configReport.problems.length) {
    const invalid = configReport.problems.some((p) => p.severity === 'invalid');
    logger.write(invalid ? 'error' : 'warn', invalid ? 'config invalid; the valid settings apply, the others are at their defaults' : 'config warning', { problems: configReport.problems.map((p) => p.message) });
  }
  const log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => logger.write(level, msg, fields);

  const address = socketAddress(layout.runDir, token);
  if (address.dir) securePrivateDir(address.dir);

  const idleTimeoutMs = Number(process.env.CONDUIT_IDLE_TIMEOUT_MS) || config.idleTimeoutMinutes * 60_000;
  const startedAt = Date.now();
  const ledger = UsageLedger.inHome(layout.home, { log, ackAfterFsync: config.ledgerAck === 'disk' });
  const queue = await openQueue(layout.home, log);
  const batchStore = await openBatchStore(layout.home, log);
  const breakers = new BreakerRegistry(() => config.resilience.breaker, {
    onEvent: (event, snapshot) => {
      log(event === 'break' ? 'warn' : 'info', `circuit ${event}`, { circuit: snapshot });
      // A circuit closing again means its provider answers: run what waited for it.
      if (event === 'reset') void queue?.wake().then(() => worker?.drain());
    },
  });
  // The bounds (entries, bytes) are fixed at start; the other cache settings follow config.json.
  const cache = new ResponseCache({ settings: () => config.cache, log });
  // Team mode (opt-in): limits, cache, budgets and usage shared with the team through Redis.
  // VS Code's settings arrive after start (config/apply), so team mode can also begin then.
  let team: Team | undefined;
  let teamReady: Promise<void> = Promise.resolve();
  // One set of limits for every window and the CLI: this daemon is the only sender.
  const rateLimiter = new RateLimiter({ settings: () => (team ? team.localLimits(config.rateLimit) : config.rateLimit) });
  // Budget reservations, in memory; the spend before this start is read from the ledger below.
  const budgets = new BudgetTable({ settings: () => config.budgets });
  const budgetAlerts = new BudgetAlerts();
  // Each ledger row also goes to the team's usage stream; the team's limit and budget join the pipeline.
  const recorder: RequestRecorder = { record: async (r) => { const res = await ledger.record(r); team?.recordUsage(r); return res; } };
  const teamHooks: TeamHooks = { limited: (p, k, s, fn) => (team ? team.limited(p, k, s, fn) : fn()), budget: () => team?.budget };
  const gateway = new Gateway({ config: () => config, logger, redactor, breakers, recorder, cache, rateLimiter, team: teamHooks, ...(queue ? { queue } : {}), keys: ring, onKeyRejected: (e) => keyRejected(e), budgets, onBudgetSettled: () => checkBudgets() });
  const warm = (requests: ChatRequest[], client: ClientKind) => warmCache(requests, {
    state: (request) => gateway.cacheState(request),
    send: (request, i) => gateway.send(request, { requestId: `warm_${Date.now()}_${i}`, client, signal: new AbortController().signal }),
    prime: (requests) => gateway.cachePrime(requests),
  });
  let cacheReady: Promise<void> = Promise.resolve();
  const worker = queue
    ? new QueueWorker({
        queue,
        run: (job, signal) => gateway.send(job.request, { requestId: job.id, client: 'other', signal, fromQueue: true }),
        retryable: shouldQueue,
        onFinished: (job) => server.broadcast(JobFinishedNotification.type, job),
        log: (level, msg, fields) => log(level, msg, fields),
      })
    : undefined;
  const batches = batchStore
    ? batchJobs({
        store: batchStore,
        recorder: ledger,
        config: () => config,
        budgets,
        keys: ring,
        addSecret: (key) => redactor.addSecret(key),
        onSpend: (feature, usd) => { budgets.addSpend(feature, usd); checkBudgets(); },
        log,
        onFinished: (job) => server.broadcast(BatchFinishedNotification.type, job),
      })
    : undefined;
  const batchPoller = batches?.poller;
  const batchService = batches?.service;
  let idleTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  let resolveExit!: (exit: DaemonExit) => void;
  const exited = new Promise<DaemonExit>((r) => { resolveExit = r; });

  const alerts = new AlertMonitor({
    ledger,
    thresholds: () => config.alerts,
    queueingForMs: () => rateLimiter.queueingForMs(),
    limitPressure: (windowMs) => rateLimiter.pressureOver(windowMs),
    onEvent: (e) => {
      server.broadcast(AlertsRaisedNotification.type, e);
      log(e.type === 'cleared' ? 'info' : e.alert.severity === 'critical' ? 'error' : 'warn', `alert ${e.type}: ${e.alert.message}`, { alert: e.alert.id, value: e.alert.value, threshold: e.alert.threshold });
    },
  });

  let markStarted!: () => void;
  const startup = new Promise<void>((resolve) => { markStarted = resolve; });
  const server = new DaemonServer({
    token,
    maxMessageBytes: config.maxMessageBytes,
    handshakeTimeoutMs: Number(process.env.CONDUIT_HANDSHAKE_TIMEOUT_MS) || 3000,
    ready: startup,
    maxConnections: 1024,
    hello: () => ({ version: CONDUIT_VERSION, pid: process.pid, capabilities: ['chat', 'stream', 'status', 'usage', 'alerts', 'jobs', 'cache', 'keys', 'config', 'feedback', 'router', 'budgets', 'experiments', 'batch'] }),
    chat: (params, client, signal, onChunk) => {
      const p = (params ?? {}) as { requestId?: unknown; request?: unknown };
      const requestId = typeof p.requestId === 'string' && p.requestId.length <= 200 ? p.requestId : `req_${Date.now()}`;
      return gateway.send(p.request, { requestId, client, signal, ...(onChunk ? { sink: { chunk: onChunk } } : {}) });
    },
    status: (settleMemory) => status(settleMemory),
    stop: () => void shutdown('stop requested'),
    log: (level, msg, fields) => log(level, msg, fields),
extraHandlers: [usageHandlers({ ledger, alerts }), keyHandlers({
      ring,
      env: process.env,
      defaultProfile: () => config.profile,
      baseURL: (id) => resolveProvider(config, id).baseURL,
      verify: (id, key, baseURL) => verifyKey(id, key, baseURL, (t) => redactor.text(t)),
      log: (level, msg, fields) => log(level, msg, fields),
    }), cacheHandlers({ cache, enabled: () => config.cache.enabled, warm }), configHandlers({
      // Settings from VS Code lie over config.json. The log level applies at once; the message
      // size limit, the idle timeout and the cache's bounds and embedder stay as started.
      fileConfig: () => {
        configReport = loadConfigReport(layout.configFile);
        for (const secret of configReport.secrets) redactor.addSecret(secret);
        return configReport.config;
      },
      apply: (next) => { config = next; logger.setLevel(next.logLevel); announceDeprecations(); checkBudgets(); startTeam(); },
      restartNeeded: (next) => restartNeeded(startedWith, next),
      log: (level, msg, fields) => log(level, msg, fields),
    }), feedbackHandlers((msg, fields) => log('info', msg, fields), async (requestId, rating, feature) => {
      try { await saveRating(ledger.reader(), requestId, rating, feature, Date.now()); return true; } catch (err) {
        log('warn', 'rating not stored', { requestId, err: err instanceof Error ? err.message : String(err) });
        return false;
      }
    }), routerHandlers({
      explain: (request) => gateway.explain(request),
      budgets: () => ({ onExceed: config.budgets.onExceed, budgets: budgets.statuses() }),
      experiments: async (since) => ({ since, experiments: experimentResults(config.experiments, await experimentRows(ledger.reader(), since)) }),
    }), batchHandlers(batchService), teamHandlers({
      usage: (params) => team?.usageTotals(params),
      storePassword: (password) => storeTeamPassword(new OsKeychain(keychainService(layout.home)), password),
    }), ...(queue ? [jobsHandlers(queue)] : [])],
    onIdleChange: (idle) => {
      if (idleTimer) { clearTimeout(idleTimer); idleTimer = undefined; }
      if (idle && !stopping) armIdleTimer();
    },
  });

  function armIdleTimer(): void {
    idleTimer = setTimeout(() => {
      // Queued background work and running batches keep the daemon up: it is the only process
      // that can run or collect them.
      const pendingWork = async () => (await (queue?.pendingCount() ?? 0)) + (await (batchStore?.activeCount() ?? 0));
      void pendingWork().then((pending) => (pending > 0 ? armIdleTimer() : shutdown('idle')), () => shutdown('idle'));
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
      memory: { rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, arrayBuffers: mem.arrayBuffers },
      circuits: breakers.snapshots(),
      ledger: ledger.status(),
      alerts: [...alerts.list().active, ...budgetAlerts.list(), ...deprecationAlerts(), ...(team?.alerts() ?? []), ...[configAlert(configReport, layout.configFile, startedAt)].filter((a) => a !== undefined)],
      config: { file: layout.configFile, problems: configReport.problems },
      fallback: chainStatus(config.resilience.fallback, config.provider, (id) => resolveKey(id, process.env, ring, config.profile).source !== 'none', process.env),
      deprecations: configuredDeprecations(modelsInUse(config)),
      budgets: budgets.statuses(),
      rateLimits: rateLimiter.status(),
      providers: ProviderIds.map((id) => {
        const resolved = resolveProvider(config, id);
        return { id, keySource: resolveKey(id, process.env, ring, config.profile).source, baseURL: redactor.text(resolved.baseURL), defaultModel: resolved.model };
      }),
      profile: config.profile,
      keychain: ring.state,
      ...(team ? { team: team.status() } : {}),
    };
  }

  /** Team mode from the Redis URL in effect; a changed URL or team id needs a restart. */
  function startTeam(): void {
    const url = teamRedisUrl(config.team);
    if (!url || stopping || team) return;
    const started = new Team({ url, settings: () => config.team, rateLimit: () => config.rateLimit, sampling: () => config.sampling.enabled, cache, onAlert: (e) => sendAlert(e), log });
    team = started;
    // In the background: a Redis that is down costs a warning and local limits, never the start.
    teamReady = readTeamPassword(new OsKeychain(keychainService(layout.home)), process.env).then((password) => {
      redactor.addSecret(password);
      return started.start(password);
    }).catch((err: unknown) => log('warn', 'team mode could not start; running locally', { err: err instanceof Error ? err.message : String(err) }));
  }

  function sendAlert(e: AlertEvent): void {
    server.broadcast(AlertsRaisedNotification.type, e);
    log(e.alert.severity === 'critical' ? 'error' : 'warn', `alert ${e.type}: ${e.alert.message}`, { alert: e.alert.id, value: e.alert.value, threshold: e.alert.threshold });
  }

  /** Budget warnings at 50, 80 and 100 % (by default), once per budget, threshold and period. */
  function checkBudgets(): void {
    for (const e of budgetAlerts.check(budgets.statuses(), config.budgets.warnAt)) sendAlert(e);
  }

  /** A configured model past or near its end of life, as an alert; once per model while the daemon runs. */
  const announced = new Set<string>();
  function deprecationAlerts(): Alert[] {
    return configuredDeprecations(modelsInUse(config)).map((d) => deprecationAlert(d, startedAt));
  }
  function announceDeprecations(): void {
    for (const alert of deprecationAlerts()) {
      if (announced.has(alert.id)) continue;
      announced.add(alert.id);
      sendAlert({ type: 'fired', alert });
    }
  }

  /** A 401 on a key: every client hears of it, once per key, as an alert. */
  function keyRejected(e: KeyRejection): void {
    const alert = keyRejectedAlert(e, Date.now());
    server.broadcast(AlertsRaisedNotification.type, { type: 'fired', alert });
    log('warn', `alert fired: ${alert.message}`, { alert: 'key_rejected', provider: e.provider, profile: e.profile, keyId: e.keyId });
  }

  async function shutdown(reason: string): Promise<void> {
    if (stopping) return stopping;
    stopping = (async () => {
      log('info', 'daemon stopping', { reason, inFlight: server.requestsInFlight });
      if (idleTimer) clearTimeout(idleTimer);
      server.server.close();
      await worker?.stop();
      await batchPoller?.stop();
      const deadline = Date.now() + SHUTDOWN_GRACE_MS;
      while (server.requestsInFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await server.closeAll();
      alerts.stop();
      await ledger.close();
      await queue?.close();
      await batchStore?.close();
      await cacheReady;
      await teamReady;
      await team?.close();
      await cache.close();
      if (process.platform !== 'win32') fs.rmSync(address.path, { force: true });
      log('info', 'daemon stopped', { reason });
      await logger.close();
      resolveExit('stopped');
    })();
    return stopping;
  }

  await keysLoaded;
  const keychain = ring.state;
  log(keychain.available ? 'info' : 'warn', keychain.available ? 'keychain ready' : 'keychain unavailable; environment keys only', { store: keychain.store, profiles: ring.profileNames(), ...(keychain.problem ? { problem: keychain.problem } : {}) });
  const bound = await bindSingleInstance(address.path, () => server.server);
  if (bound.kind === 'already-running') {
    log('info', 'another daemon is already running; exiting', { socket: address.path });
    await queue?.close();
    await batchStore?.close();
    await logger.close();
    return 'already-running';
  }
  await ledger.open();
  try {
    budgets.seed(await readSpend(ledger.reader(), startedAt));
  } catch (err) {
    log('warn', 'budgets: could not read this period\'s spend from the ledger; counting from zero', { err: err instanceof Error ? err.message : String(err) });
  }
  checkBudgets();
  announceDeprecations();
  await queue?.init(config.queue.rerunUnfinished);
  // Running batches resume where the last daemon left them, with the same backoff.
  await batchPoller?.start();
  // In the background: a local embedding model can take a second to load, and lookups before
  // then simply miss.
  cacheReady = openCache(cache, {
    home: layout.home,
    settings: config.cache,
    log,
    providerAccess: (p) => ({ baseURL: resolveProvider(config, p).baseURL, apiKey: resolveKey(p).key }),
  }).then(async ({ loaded, file }) => {
    log('info', 'cache ready', { loaded, file });
    if (config.cache.enabled && config.cache.warmOnStart.enabled) {
      const requests = await cache.warmCandidates(config.cache.warmOnStart.topN);
      const r = await warm(requests, 'other');
      log('info', 'cache warmed after restart', { ...r });
    }
  }, (err: unknown) => log('warn', 'the cache could not start; requests go upstream', { err: err instanceof Error ? err.message : String(err) }));
  startTeam();
  alerts.start();
  worker?.start();
  markStarted();
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
