import type { ResponseCache } from '../cache/responseCache';
import type { LogFn } from '../log/logFn';
import type { Logger } from '../log/logger';
import type { DaemonServer } from '../server/daemonServer';
import type { AlertMonitor } from '../usage/alertMonitor';
import type { LocalEndpoint } from '../http/localEndpoint';
import type { CacheStartup } from './cacheStartup';
import type { BackgroundWork } from './createBackgroundWork';
import type { Lifecycle } from './lifecycle';
import type { DaemonStores } from './openStores';
import type { TeamMode } from './teamMode';
import type { DaemonHome } from './daemonHome';
import { clearStopping, markStopping } from '../server/stoppingMarker';

const SHUTDOWN_GRACE_MS = 10_000;

export interface ShutdownDeps {
  home: DaemonHome;
  server: DaemonServer;
  lifecycle: Lifecycle;
  work: BackgroundWork;
  monitor: AlertMonitor;
  stores: DaemonStores;
  cacheStartup: CacheStartup;
  localEndpoint: Pick<LocalEndpoint, 'close'>;
  team: TeamMode;
  cache: ResponseCache;
  logger: Logger;
  log: LogFn;
  graceMs?: number;
}

export interface Shutdown {
  /** Stops the daemon once; later calls share the first one's promise. */
  stop(reason: string): Promise<void>;
  /** Resolves when the daemon has stopped. */
  readonly stopped: Promise<void>;
}

/**
 * The stop sequence, in reverse order of use: no new connections, no new background work, the
 * requests in flight get a grace period, then the connections, the stores and the log close.
 * A daemon started meanwhile waits on the stopping marker before it opens what this one writes.
 */
export function createShutdown(deps: ShutdownDeps): Shutdown {
  const { server, stores, log } = deps;
  let stopping: Promise<void> | undefined;
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      log('info', 'daemon stopping', { reason, inFlight: server.requestsInFlight });
      deps.lifecycle.idle.stop();
      deps.team.preventStart();
      // Closing the server frees the socket at once; the marker keeps a successor from reading
      // the databases until the writes below are done.
      markStopping(deps.home.layout.home);
      server.server.close();
      const deadline =
        Date.now() + (deps.graceMs ?? (Number(process.env.CONDUIT_SHUTDOWN_GRACE_MS) || SHUTDOWN_GRACE_MS));
      // The endpoint's requests (streams too) get the same grace as IPC ones, alongside them.
      const endpointClosed = deps.localEndpoint.close(deadline);
      await deps.work.worker?.stop();
      await deps.work.batchPoller?.stop();
      while (server.requestsInFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await endpointClosed;
      await server.closeAll();
      deps.monitor.stop();
      await stores.usageMaintenance.stop();
      await stores.ledger.close();
      await stores.queue?.close();
      await stores.batchStore?.close();
      await deps.cacheStartup.settled();
      await deps.team.close();
      await deps.cache.close();
      // No removal of the socket path here: server.close() unlinked ours, and the path may by now
      // be a successor's socket.
      clearStopping(deps.home.layout.home);
      log('info', 'daemon stopped', { reason });
      await deps.logger.close();
      markStopped();
    })();
    return stopping;
  };
  return { stop, stopped };
}
