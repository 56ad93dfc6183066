import * as fs from 'node:fs';
import * as path from 'node:path';

export const STOPPING_FILE = 'daemon.stopping';

/**
 * A stopping daemon gives up its socket first (so nobody new connects to it), but its databases
 * stay open until the last ledger row, queued job and cache entry are written. This file says
 * "a predecessor is still writing": a daemon that binds the socket meanwhile waits for it to go
 * before it reads spend, reruns jobs or loads the cache, or it would read what is not yet written
 * and rerun what is still running.
 */
export function markStopping(home: string, pid = process.pid): void {
  try {
    fs.writeFileSync(path.join(home, STOPPING_FILE), String(pid), { mode: 0o600 });
  } catch {
    /* a full disk must not block the stop; the successor then only misses the wait */
  }
}

export function clearStopping(home: string, pid = process.pid): void {
  // Only our own marker: a successor never waits on a marker that a later stop wrote.
  if (readPid(home) === pid) fs.rmSync(path.join(home, STOPPING_FILE), { force: true });
}

export interface PredecessorWait {
  /** Whether a process with this pid exists (injected so tests need no real second process). */
  alive?: (pid: number) => boolean;
  /** Between checks; the predecessor's stop is bounded by its grace period. */
  pause?: () => Promise<void>;
  /** The most checks before giving up on a predecessor that seems wedged. */
  maxChecks?: number;
  onWait?: (pid: number) => void;
}

/**
 * Resolves once no other process is stopping in this home: its marker is gone, or the process
 * that wrote it has exited (a crash mid-stop leaves the file behind). Returns whether it waited
 * and whether it gave up.
 */
export async function waitForPredecessor(
  home: string,
  opts: PredecessorWait = {},
): Promise<{ waited: boolean; gaveUp: boolean }> {
  const alive = opts.alive ?? processExists;
  const pause = opts.pause ?? (() => new Promise<void>((r) => setTimeout(r, 25)));
  const maxChecks = opts.maxChecks ?? 2400;
  let waited = false;
  for (let i = 0; ; i++) {
    const pid = readPid(home);
    if (pid === undefined || pid === process.pid) return { waited, gaveUp: false };
    if (!alive(pid)) {
      fs.rmSync(path.join(home, STOPPING_FILE), { force: true });
      return { waited, gaveUp: false };
    }
    if (i >= maxChecks) return { waited, gaveUp: true };
    if (!waited) opts.onWait?.(pid);
    waited = true;
    await pause();
  }
}

function readPid(home: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(home, STOPPING_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Signal 0 tests for existence on every platform; EPERM means it exists but is another user's. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Resolves true once the process has exited, false if it still runs after `maxChecks`. For
 * `conduit stop`: the daemon closes its connections before its last writes, and "stopped" should
 * mean they are done.
 */
export async function waitForExit(
  pid: number,
  opts: { alive?: (pid: number) => boolean; pause?: () => Promise<void>; maxChecks?: number } = {},
): Promise<boolean> {
  const alive = opts.alive ?? processExists;
  const pause = opts.pause ?? (() => new Promise<void>((r) => setTimeout(r, 25)));
  for (let i = 0; i < (opts.maxChecks ?? 2400); i++) {
    if (!alive(pid)) return true;
    await pause();
  }
  return !alive(pid);
}
