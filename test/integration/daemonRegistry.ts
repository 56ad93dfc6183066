import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/** The env name that carries the registry folder to the processes a harness starts. */
export const REGISTRY_ENV = 'CDT_DAEMON_REGISTRY';
/** The preload that records daemons (registerDaemon.cjs explains why it is a preload). */
export const REGISTER_PRELOAD = path.join(__dirname, 'registerDaemon.cjs');

/** One daemon started in a harness home, as registerDaemon.cjs recorded it. */
export interface DaemonRecord {
  pid: number;
  home?: string;
  testFile?: string;
  /** The daemon's own socket (registerDaemon.cjs), once it recorded itself. */
  socket?: string;
}

export function readRecords(dir: string): DaemonRecord[] {
  if (!fs.existsSync(dir)) return [];
  const records: DaemonRecord[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    try {
      records.push(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as DaemonRecord);
    } catch {
      // Removed between the listing and the read: that daemon exited.
    }
  }
  return records;
}

export function forgetRecord(dir: string, pid: number): void {
  fs.rmSync(path.join(dir, `${pid}.json`), { force: true });
}

/** The env that makes every Node process started with it record the daemons it is or starts. */
export function registryEnv(dir: string, env: NodeJS.ProcessEnv, testFile: string | undefined): NodeJS.ProcessEnv {
  // Quoted: NODE_OPTIONS splits on spaces, and a checkout's path may hold one.
  const preload = `--require ${JSON.stringify(REGISTER_PRELOAD)}`;
  return {
    [REGISTRY_ENV]: dir,
    NODE_OPTIONS: env.NODE_OPTIONS ? `${env.NODE_OPTIONS} ${preload}` : preload,
    ...(testFile ? { CDT_TEST_FILE: testFile } : {}),
  };
}

/**
 * Whether the recorded daemon still runs: its own socket answers exactly while it lives. A record
 * without one is a daemon whose spawner recorded it and which has not recorded itself yet
 * (`starting`), or one that died before it could.
 */
export function recordState(r: DaemonRecord): Promise<'alive' | 'gone' | 'starting'> {
  if (r.socket === undefined) return Promise.resolve(isRunning(r.pid) ? 'starting' : 'gone');
  const socket = r.socket;
  return new Promise((resolve) => {
    const c = net.connect(socket);
    c.once('connect', () => {
      c.destroy();
      resolve('alive');
    });
    c.once('error', () => resolve('gone'));
  });
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
