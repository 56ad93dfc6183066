import * as path from 'node:path';
import { restrictToOwner } from './windowsAcl';
import { secureHomeDir } from './safePath';
import { conduitHome } from './homeDir';

export { conduitHome };

/**
 * Creates the home (and parents) and makes sure it is private to this user. A directory that
 * another user owns is refused: someone could be waiting there for our socket or token. The
 * entries inside are checked by safePath.ts when each is opened.
 */
export function ensurePrivateDir(dir: string): void {
  secureHomeDir(dir);
  // chmod does nothing on Windows: an ACL that names the user alone does its work there.
  if (process.platform === 'win32') restrictToOwner(dir);
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
