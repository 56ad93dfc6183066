import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { restrictToOwner } from './windowsAcl';

/** The per-user data directory: CONDUIT_HOME, or the platform's usual place. */
export function conduitHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONDUIT_HOME) return path.resolve(env.CONDUIT_HOME);
  const home = os.homedir();
  switch (process.platform) {
    case 'win32':
      return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'Conduit');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Conduit');
    default:
      return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'conduit');
  }
}

/**
 * Creates `dir` (and parents) and makes sure it is private to this user. A directory that
 * another user owns is refused: someone could be waiting there for our socket or token.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') {
    restrictToOwner(dir);
    return;
  }
  const st = fs.statSync(dir);
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
    throw new Error(`${dir} belongs to another user (uid ${st.uid}). Set CONDUIT_HOME to a directory you own.`);
  }
  if ((st.mode & 0o777) !== 0o700) fs.chmodSync(dir, 0o700);
}

export interface HomeLayout {
  home: string;
  tokenFile: string;
  configFile: string;
  logsDir: string;
  runDir: string;
}

export function homeLayout(home: string = conduitHome()): HomeLayout {
  return {
    home,
    tokenFile: path.join(home, 'token'),
    configFile: path.join(home, 'config.json'),
    logsDir: path.join(home, 'logs'),
    runDir: path.join(home, 'run'),
  };
}
