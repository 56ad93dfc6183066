import type { LogFn } from '../log/logFn';
import type { Logger } from '../log/logger';

/** Signals stop the daemon; an uncaught exception ends it, since its state is then unknown. */
export function installProcessHooks(deps: { stop: (reason: string) => void; logger: Logger; log: LogFn }): void {
  const { log } = deps;
  process.once('SIGTERM', () => deps.stop('SIGTERM'));
  process.once('SIGINT', () => deps.stop('SIGINT'));
  process.on('uncaughtException', (err) => {
    // The next client starts a fresh daemon.
    log('error', 'uncaught exception; exiting', { err: { message: err.message, stack: err.stack } });
    void deps.logger.close().finally(() => process.exit(70));
  });
  process.on('unhandledRejection', (err) => {
    log('error', 'unhandled rejection', {
      err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err),
    });
  });
}
