import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openPrivateFile, securePrivateDir } from '../home/safePath';
import { daemonRuntime } from './daemonRuntime';
import type { ProviderId } from '../../protocol';
import {
  isStartSignal,
  START_PROVIDER_ENV,
  START_PROVIDER_ROUTED,
  START_SIGNAL_ENV,
  type StartState,
} from '../server/startSignal';

export interface SpawnOptions {
  /** The bundled daemon entry, dist/daemon.js. */
  daemonScript: string;
  /** The runtime: node for the CLI, VS Code's own binary for the extension. */
  execPath?: string;
  /** Set when execPath is an Electron binary that must act as plain Node. */
  electronRunAsNode?: boolean;
  logsDir: string;
  env?: NodeJS.ProcessEnv;
  /**
   * The provider the request that needs this daemon will use, when the spawner knows it: the
   * daemon loads its code while it opens its databases. `routed`: a request that names none is
   * waiting, so the daemon loads the provider its configuration routes it to. Without it, no
   * provider code loads at start.
   */
  startProvider?: ProviderId | typeof START_PROVIDER_ROUTED;
  /** The platform whose runtime options apply (tests pass another); process.platform by default. */
  platform?: NodeJS.Platform;
  /** The V8 flags to start with; DAEMON_V8_FLAGS by default (tests pass one no runtime knows). */
  v8Flags?: readonly string[];
}

/**
 * Node's exit status for an option it does not know ("bad option"), before any script runs. A
 * V8 that drops one of the daemon's tuning flags would otherwise leave every start failing.
 */
const BAD_OPTION_EXIT = 9;

/** What the daemon reported over IPC, or `exited` when it ended (or could not start) first. */
export type StartOutcome = StartState | 'exited';

export interface StartedDaemon {
  pid: number | undefined;
  /** Settles once: the daemon's report, or its exit. */
  outcome: Promise<StartOutcome>;
  /** Stops waiting for the report, so the channel no longer keeps this process alive. */
  release(): void;
}

/**
 * Starts the daemon as a detached process so it outlives the window or command that started
 * it. Its stderr goes to a file, because a daemon that dies at startup can only explain itself
 * there. An IPC channel carries its one start report (daemon/server/startSignal.ts).
 */
export function spawnDaemon(opts: SpawnOptions): StartedDaemon {
  securePrivateDir(opts.logsDir);
  const base = opts.env ?? process.env;
  const runtime = daemonRuntime(opts.platform ?? process.platform, base, opts.v8Flags);
  const env: NodeJS.ProcessEnv = { ...base, ...runtime.env, [START_SIGNAL_ENV]: 'ipc' };
  if (opts.electronRunAsNode) env.ELECTRON_RUN_AS_NODE = '1';
  // Only this spawn's own hint: one left in the spawner's environment is no hint for this request.
  delete env[START_PROVIDER_ENV];
  if (opts.startProvider) env[START_PROVIDER_ENV] = opts.startProvider;
  const first = launch(opts, runtime.execArgv, env);
  if (runtime.execArgv.length === 0) return first;
  // The flags tune memory; none is worth a daemon that cannot start. Refused ones are in the
  // stderr log, above the second start's own lines.
  let current = first;
  const outcome = first.outcome.then((result) => {
    if (result !== 'exited' || first.exitCode() !== BAD_OPTION_EXIT) return result;
    current = launch(opts, [], env);
    return current.outcome;
  });
  return {
    get pid() {
      return current.pid;
    },
    outcome,
    release: () => current.release(),
  };
}

function launch(
  opts: SpawnOptions,
  execArgv: readonly string[],
  env: NodeJS.ProcessEnv,
): StartedDaemon & { exitCode(): number | null } {
  const err = openPrivateFile(path.join(opts.logsDir, 'daemon-stderr.log'), 'a');
  try {
    const child = spawn(opts.execPath ?? process.execPath, [...execArgv, opts.daemonScript], {
      detached: true,
      stdio: ['ignore', 'ignore', err, 'ipc'],
      env,
      windowsHide: true,
    });
    child.unref();
    const release = (): void => {
      if (child.connected) child.disconnect();
    };
    const outcome = new Promise<StartOutcome>((resolve) => {
      child.on('message', (message) => {
        if (isStartSignal(message)) resolve(message.conduitDaemon);
      });
      child.once('exit', () => resolve('exited'));
      child.once('error', () => resolve('exited'));
    });
    void outcome.then(release);
    return { pid: child.pid, outcome, release, exitCode: () => child.exitCode };
  } finally {
    fs.closeSync(err);
  }
}
