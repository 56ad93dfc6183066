import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openPrivateFile, securePrivateDir } from '../home/safePath';

export interface SpawnOptions {
  /** The bundled daemon entry, dist/daemon.js. */
  daemonScript: string;
  /** The runtime: node for the CLI, VS Code's own binary for the extension. */
  execPath?: string;
  /** Set when execPath is an Electron binary that must act as plain Node. */
  electronRunAsNode?: boolean;
  logsDir: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts the daemon as a detached process so it outlives the window or command that started
 * it. Its stderr goes to a file, because a daemon that dies at startup can only explain itself
 * there.
 */
export function spawnDaemon(opts: SpawnOptions): number | undefined {
  securePrivateDir(opts.logsDir);
  const err = openPrivateFile(path.join(opts.logsDir, 'daemon-stderr.log'), 'a');
  const env: NodeJS.ProcessEnv = { ...(opts.env ?? process.env) };
  if (opts.electronRunAsNode) env.ELECTRON_RUN_AS_NODE = '1';
  try {
    const child = spawn(opts.execPath ?? process.execPath, [opts.daemonScript], {
      detached: true,
      stdio: ['ignore', 'ignore', err],
      env,
      windowsHide: true,
    });
    child.unref();
    return child.pid;
  } finally {
    fs.closeSync(err);
  }
}
