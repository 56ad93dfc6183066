import type { StartedDaemon } from '../client/spawnDaemon';

/**
 * A daemon the CLI's entry (dist/cli.js) started before it loaded the CLI's bundle: a cold
 * `conduit ask` starts the daemon first, so the daemon's start overlaps the CLI's own load. The
 * entry and the bundle are separate files, so the handoff is a global under a registered symbol.
 */
export interface EarlyStart {
  /** The socket the early daemon will listen on; a client that computes another one spawns its own. */
  socketPath: string;
  started: StartedDaemon;
}

const KEY = Symbol.for('conduit.cli.earlyStart');

export function handOverEarlyStart(early: EarlyStart): void {
  (globalThis as Record<symbol, unknown>)[KEY] = early;
}

/** The early start, once: the client that waits for it takes it. */
export function takeEarlyStart(): EarlyStart | undefined {
  const g = globalThis as Record<symbol, unknown>;
  const early = g[KEY] as EarlyStart | undefined;
  delete g[KEY];
  return early;
}

/** Whether the entry started a daemon this run (so no daemon was listening when the CLI began). */
export function earlyStartPending(): boolean {
  return (globalThis as Record<symbol, unknown>)[KEY] !== undefined;
}
