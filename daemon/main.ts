import { Emitter } from 'vscode-jsonrpc/node';
import { CONDUIT_VERSION, PROTOCOL_VERSION } from '../protocol';
import { ResponseCache } from './cache/responseCache';
import { CacheStartup } from './compose/cacheStartup';
import { ClientBroadcast } from './compose/clientBroadcast';
import { createAlertMonitor } from './compose/createAlertMonitor';
import { createBackgroundWork } from './compose/createBackgroundWork';
import { createGateway } from './compose/createGateway';
import { createHandlers } from './compose/createHandlers';
import { createSecrets, logKeychainState } from './compose/createSecrets';
import { createServer } from './compose/createServer';
import { createShutdown } from './compose/createShutdown';
import { flushCodeCache, type CodeCacheState } from './compose/codeCache';
import { DaemonAlerts } from './compose/daemonAlerts';
import { prepareHome } from './compose/daemonHome';
import { Lifecycle } from './compose/lifecycle';
import { LiveConfig } from './compose/liveConfig';
import type { OptimizerHold } from './compose/optimizerHold';
import { localEndpointOnUse } from './compose/localEndpointOnUse';
import { closeUnopenedStores, openStoreFiles, openStores } from './compose/openStores';
import { preloadProvider, routedProvider, takeStartProvider } from './compose/providerPreload';
import { installProcessHooks } from './compose/processHooks';
import { startServices } from './compose/startServices';
import { statusReport } from './compose/statusReport';
import { TeamMode } from './compose/teamMode';
import { stopOnReplacedCode } from './compose/replacedCode';
import { logFn, type LogFn } from './log/logFn';
import { loadOverlay } from './router/catalogueOverlay';
import { Logger } from './log/logger';
import { bindSingleInstance } from './server/singleInstance';
import { signalSpawner } from './server/startSignal';
import { waitForPredecessor } from './server/stoppingMarker';
import { BudgetTable } from './usage/budgetTable';

export interface DaemonOptions {
  foreground?: boolean;
  /** Whether the entry (daemonEntry.ts) could turn on the V8 code cache, for the start's log line. */
  codeCache?: CodeCacheState;
  /** TurboFan held off by the entry for the start; released at the first request or the first idle trim. */
  optimizer?: OptimizerHold;
}

/** How long after the start the compiled code is written to the V8 code cache. */
const CODE_CACHE_FLUSH_MS = 5_000;

export type DaemonExit = 'already-running' | 'stopped';

/**
 * Starts the per-user daemon and resolves when it has exited its serving loop. The composition
 * root: each part is built once, by a factory in compose/, after everything it uses. Order
 * matters: the home and token exist before the socket does, so a client that can connect can
 * always authenticate; the databases open only once this process owns the socket, so a second
 * daemon never touches them.
 */
export async function runDaemon(opts: DaemonOptions = {}): Promise<DaemonExit> {
  const home = prepareHome();
  // The SQLite thread opens the queue and batch files while this thread reads the config and wires
  // the parts. What they log before the logger exists is logged once it does.
  const earlyLines: Parameters<LogFn>[] = [];
  let storeLog: LogFn = (...line) => void earlyLines.push(line);
  const storeFiles = openStoreFiles(home.layout.home, (...line) => storeLog(...line));
  const { redactor, keychain, ring, loaded: keysLoaded } = createSecrets(home.layout.home, home.token);
  const config = new LiveConfig(home.layout.configFile, (secret) => redactor.addSecret(secret));
  const logger = new Logger({
    dir: home.layout.logsDir,
    redactor,
    level: config.get().logLevel,
    echo: opts.foreground === true,
  });
  const log = logFn(logger);
  for (const line of earlyLines.splice(0)) log(...line);
  storeLog = log;
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
  const startedAt = Date.now();

  const stores = await openStores(home.layout.home, config.get(), log, storeFiles);
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
  // The opt-in local OpenAI/Anthropic endpoint (server.enabled); nothing listens, or loads, until then.
  const local = localEndpointOnUse({
    home: home.layout.home,
    config: config.get,
    gateway: pipeline.gateway,
    budgets,
    recorder: pipeline.recorder,
    keys: ring,
    redactor,
    rateLimiter: pipeline.rateLimiter,
    breakers: pipeline.breakers,
    onBudgetSettled: () => alerts.checkBudgets(),
    log,
  });
  const monitor = createAlertMonitor({ ...shared, rateLimiter: pipeline.rateLimiter });
  const cacheStartup = new CacheStartup({ ...shared, warm: pipeline.warm, recorder: pipeline.recorder });
  config.onChange((next) => {
    logger.setLevel(next.logLevel);
    alerts.announceDeprecations();
    alerts.checkBudgets();
    void team.start();
    void local.apply();
  });

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
    status: statusReport({
      ...shared,
      ...pipeline,
      monitor,
      localEndpoint: () => local.endpoint.state(),
      optimizer: opts.optimizer,
    }),
    handlers: createHandlers({ ...shared, ...pipeline, monitor, batchService: work.batchService }),
    stop: () => lifecycle.requestStop('stop requested'),
    onIdleChange: lifecycle.idleChanged,
    optimizer: opts.optimizer,
  });
  broadcast.attach(server);
  const shutdown = createShutdown({
    ...shared,
    server,
    lifecycle,
    work,
    monitor,
    cacheStartup,
    localEndpoint: local.endpoint,
  });
  lifecycle.onStopRequested((reason) => void shutdown.stop(reason));
  stopOnReplacedCode({ stop: lifecycle.requestStop, log });

  const bound = await bindSingleInstance(home.address.path, () => server.server);
  // The spawner connects as soon as it hears this; a hello waits for the services below.
  signalSpawner(bound.kind);
  if (bound.kind === 'already-running') {
    log('info', 'another daemon is already running; exiting', { socket: home.address.path });
    await closeUnopenedStores(stores);
    await logger.close();
    return 'already-running';
  }
  // A daemon that is still stopping freed the socket before its last writes; read after them.
  const predecessor = await waitForPredecessor(home.layout.home, {
    onWait: (pid) => log('info', 'waiting for the previous daemon to finish stopping', { pid }),
  });
  if (predecessor.gaveUp)
    log('warn', 'the previous daemon did not finish stopping; starting anyway', { home: home.layout.home });
  // The spawner's waiting request needs this provider: its code compiles while the ledger opens.
  const hint = takeStartProvider();
  const startProvider = hint === 'routed' ? routedProvider(config.get()) : hint;
  if (startProvider) {
    log('info', "loading the waiting request's provider code", {
      provider: startProvider,
      ...(hint === 'routed' ? { routed: true } : {}),
    });
    void preloadProvider(startProvider);
  }
  // The keychain is read while the socket binds; the queue worker, the batch poller and the
  // first request need its keys, so they all start after it.
  await keysLoaded;
  logKeychainState(ring, log);
  await startServices({ ...shared, work, cacheStartup, monitor });
  await local.apply();
  lifecycle.markReady();
  log('info', 'daemon listening', {
    socket: home.address.path,
    version: CONDUIT_VERSION,
    protocolVersion: PROTOCOL_VERSION,
    node: process.version,
    idleTimeoutMs,
    codeCache: opts.codeCache?.enabled ? 'on' : (opts.codeCache?.reason ?? 'off'),
  });
  // Once the first requests have loaded their provider's code, so the next start finds it too;
  // unref'd, so it never keeps the daemon up.
  if (opts.codeCache?.enabled) {
    const flush = (): void => (opts.optimizer ? opts.optimizer.asAtStart(() => flushCodeCache()) : flushCodeCache());
    setTimeout(flush, CODE_CACHE_FLUSH_MS).unref();
  }
  server.server.on('error', (err) => log('error', 'server error', { err: err.message }));
  installProcessHooks({ stop: lifecycle.requestStop, logger, log });
  await shutdown.stopped;
  return 'stopped';
}
