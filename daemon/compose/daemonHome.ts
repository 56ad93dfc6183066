import { conduitHome, homeLayout, type HomeLayout } from '../home/conduitHome';
import { restrictToOwner } from '../home/windowsAcl';
import { auditHome, securePrivateDir } from '../home/safePath';
import { socketAddress } from '../home/socketAddress';
import { readOrCreateToken } from '../home/token';

export interface DaemonHome {
  layout: HomeLayout;
  token: string;
  address: { path: string; dir: string | null };
}

/**
 * The home, the token and the socket's folder, before anything listens: a client that can
 * connect can then always authenticate.
 */
export function prepareHome(env: NodeJS.ProcessEnv = process.env): DaemonHome {
  const layout = homeLayout(conduitHome(env));
  // The home and every entry Conduit keeps there: ours, not links, private (see safePath.ts).
  auditHome(layout.home);
  if (process.platform === 'win32') restrictToOwner(layout.home);
  const token = readOrCreateToken(layout.tokenFile);
  const address = socketAddress(layout.runDir, token);
  if (address.dir) securePrivateDir(address.dir);
  return { layout, token, address };
}
