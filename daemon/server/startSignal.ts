/**
 * How a freshly spawned daemon tells its spawner (the CLI or the extension, spawnDaemon.ts) that
 * it listens, over the IPC channel the spawner opened: the spawner connects at once instead of
 * polling for the socket. Node's IPC channel is a pipe on every platform (a named pipe on
 * Windows), so this works wherever the daemon runs.
 */
export type StartState = 'listening' | 'already-running';

export interface StartSignal {
  conduitDaemon: StartState;
}

/** Set by spawnDaemon on the child it starts; any other parent gets no message. */
export const START_SIGNAL_ENV = 'CONDUIT_START_SIGNAL';

/**
 * Set by spawnDaemon to the provider the request that starts the daemon waits for: the daemon
 * loads that provider's code while its start waits on I/O (compose/providerPreload.ts).
 */
export const START_PROVIDER_ENV = 'CONDUIT_START_PROVIDER';

/**
 * START_PROVIDER_ENV's value when the waiting request names no provider (`conduit ask` without
 * --provider): the daemon loads the provider its own configuration routes such a request to.
 */
export const START_PROVIDER_ROUTED = 'routed';

export function isStartSignal(message: unknown): message is StartSignal {
  const state = (message as Partial<StartSignal> | null)?.conduitDaemon;
  return state === 'listening' || state === 'already-running';
}

/** Reports the start to the spawner, once, then closes the channel so nothing is kept open for it. */
export function signalSpawner(state: StartState, proc: NodeJS.Process = process): void {
  if (proc.env[START_SIGNAL_ENV] !== 'ipc' || !proc.send || !proc.connected) return;
  delete proc.env[START_SIGNAL_ENV];
  const signal: StartSignal = { conduitDaemon: state };
  // A spawner that already gave up is no error of the daemon's.
  proc.send(signal, undefined, {}, () => {
    if (proc.connected) proc.disconnect();
  });
}
