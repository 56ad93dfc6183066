import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The per-user data directory: CONDUIT_HOME, or the platform's usual place. Alone in its file, with
 * no imports from the project, so the daemon's entry can find the home before it loads anything.
 */
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
