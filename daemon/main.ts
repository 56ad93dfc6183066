import { Emitter } from 'vscode-jsonrpc/node';
import { CONDUIT_VERSION, PROTOCOL_VERSION } from '../protocol';
import { ResponseCache } from './cache/responseCache';
<<<<<<< HEAD
import { CacheStartup } from './compose/cacheStartup';
import { ClientBroadcast } from './compose/clientBroadcast';
import { createAlertMonitor } from './compose/createAlertMonitor';
import { createBackgroundWork } from './compose/createBackgroundWork';
import { createGateway } from './compose/createGateway';
import { createHandlers } from './compose/createHandlers';
import { createSecrets, logKeychainState } from './compose/createSecrets';
import { createServer } from './compose/createServer';
import { createShutdown } from './compose/createShutdown';
import { DaemonAlerts } from './compose/daemonAlerts';
import { prepareHome } from './compose/daemonHome';
import { Lifecycle } from './compose/lifecycle';
import { LiveConfig } from './compose/liveConfig';
import { closeUnopenedStores, openStores } from './compose/openStores';
import { installProcessHooks } from './compose/processHooks';
import { startServices } from './compose/startServices';
import { statusReport } from './compose/statusReport';
import { TeamMode } from './compose/teamMode';
import { createLocalEndpoint } from './http/createLocalEndpoint';
import { logFn } from './log/logFn';
import { loadOverlay } from './router/catalogueOverlay';
=======
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
>>>>>>> wt/harden
import { Logger } from './log/logger';
import { bindSingleInstance } from './server/singleInstance';
import { BudgetTable } from './usage/budgetTable';

export interface DaemonOptions {
  foreground?: boolean;
}

export type DaemonExit = 'already-running' | 'stopped';

/**
 * Starts the per-user daemon and resolves when it has exited its serving loop. The composition
 * root: each part is built once, by a factory in compose/, after everything it uses. Order
 * matters: the home and token exist before the socket does, so a client that can connect can
 * always authenticate; the databases open only once this process owns the socket, so a second
 * daemon never touches them.
 */
export async function runDaemon(opts: DaemonOptions = {}): Promise<DaemonExit> {
<<<<<<< HEAD
  const home = prepareHome();
  const { redactor, keychain, ring, loaded: keysLoaded } = createSecrets(home.layout.home, home.token);
  const config = new LiveConfig(home.layout.configFile, (secret) => redactor.addSecret(secret));
  const logger = new Logger({
    dir: home.layout.logsDir,
    redactor,
    level: config.get().logLevel,
    echo: opts.foreground === true,
  });
  const log = logFn(logger);
  // A newer price catalogue `conduit models update` kept, over the bundled snapshot.
  loadOverlay(home.layout.home, (msg, fields) => log('warn', msg, fields));
  // "config invalid" is what tests and users grep for; a warning alone is not invalid.
  const configProblems = config.report.problems;
  if (configProblems.length) {
    const invalid = configProblems.some((p) => p.severity === 'invalid');
    log(
      invalid ? 'error' : 'warn',
      invalid ? 'config invalid; the valid settings apply, the others are at their defaults' : 'config warning',
      { problems: configProblems.map((p) => p.message) },
    );
  }
  const idleTimeoutMs = Number(process.env.CONDUIT_IDLE_TIMEOUT_MS) || config.get().idleTimeoutMinutes * 60_000;
=======
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
>>>>>>> wt/harden
  const startedAt = Date.now();

  const stores = await openStores(home.layout.home, config.get(), log);
  const broadcast = new ClientBroadcast();
  // Budget reservations, in memory; the spend before this start is read from the ledger on start.
  const budgets = new BudgetTable({ settings: () => config.get().budgets });
  const alerts = new DaemonAlerts({ broadcast, log, config: config.get, budgets, startedAt });
  // The bounds (entries, bytes) are fixed at start; the other cache settings follow the config.
  const cache = new ResponseCache({ settings: () => config.get().cache, log });
  const team = new TeamMode({ config: config.get, cache, keychain, redactor, onAlert: (e) => alerts.send(e), log });
  // What most factories below take; each one's Deps interface says which of these it uses.
  const core = { home, startedAt, idleTimeoutMs, config, logger, log, redactor, keychain, ring, keys: ring, stores };
  const shared = { ...core, ledger: stores.ledger, queue: stores.queue, broadcast, budgets, alerts, cache, team };

  const circuitClosed = new Emitter<void>();
  const pipeline = createGateway({ ...shared, onCircuitClosed: () => void circuitClosed.fire() });
  const work = createBackgroundWork({ ...shared, gateway: pipeline.gateway });
  // A circuit closing again means its provider answers: run what waited for it.
  circuitClosed.event(() => work.wake());
  // The opt-in local OpenAI/Anthropic endpoint (server.enabled); nothing listens until then.
  const local = createLocalEndpoint({
    home: home.layout.home,
    config: config.get,
    gateway: pipeline.gateway,
    budgets,
    recorder: pipeline.recorder,
    keys: ring,
    redactor,
    log,
  });
  const monitor = createAlertMonitor({ ...shared, rateLimiter: pipeline.rateLimiter });
  const cacheStartup = new CacheStartup({ ...shared, warm: pipeline.warm, recorder: pipeline.recorder });
  config.onChange((next) => {
    logger.setLevel(next.logLevel);
    alerts.announceDeprecations();
    alerts.checkBudgets();
    team.start();
    void local.apply();
  });

<<<<<<< HEAD
  const lifecycle = new Lifecycle({
    idleTimeoutMs,
    // A listening local endpoint keeps the daemon up too: its tools are not IPC clients.
    pendingWork: async () => (await work.pending()) + (local.endpoint.state().listening ? 1 : 0),
  });
  const server = createServer({
    ...shared,
    token: home.token,
    maxMessageBytes: config.get().maxMessageBytes,
    ready: lifecycle.started,
    gateway: pipeline.gateway,
    status: statusReport({ ...shared, ...pipeline, monitor, localEndpoint: () => local.endpoint.state() }),
    handlers: createHandlers({ ...shared, ...pipeline, monitor, batchService: work.batchService }),
    stop: () => lifecycle.requestStop('stop requested'),
    onIdleChange: lifecycle.idleChanged,
  });
  broadcast.attach(server);
  const shutdown = createShutdown({
    ...shared,
    server,
    socketPath: home.address.path,
    lifecycle,
    work,
    monitor,
    cacheStartup,
    localEndpoint: local.endpoint,
  });
  lifecycle.onStopRequested((reason) => void shutdown.stop(reason));
=======
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
>>>>>>> wt/harden

  await keysLoaded;
  logKeychainState(ring, log);
  const bound = await bindSingleInstance(home.address.path, () => server.server);
  if (bound.kind === 'already-running') {
    log('info', 'another daemon is already running; exiting', { socket: home.address.path });
    await closeUnopenedStores(stores);
    await logger.close();
    return 'already-running';
  }
  await startServices({ ...shared, work, cacheStartup, monitor });
  await local.apply();
  lifecycle.markReady();
  log('info', 'daemon listening', {
    socket: home.address.path,
    version: CONDUIT_VERSION,
    protocolVersion: PROTOCOL_VERSION,
    node: process.version,
    idleTimeoutMs,
  });
  server.server.on('error', (err) => log('error', 'server error', { err: err.message }));
  installProcessHooks({ stop: lifecycle.requestStop, logger, log });
  await shutdown.stopped;
  return 'stopped';
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
