import { conduitHome, ensurePrivateDir, homeLayout, type HomeLayout } from '../home/conduitHome';
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
  ensurePrivateDir(layout.home);
  const token = readOrCreateToken(layout.tokenFile);
  const address = socketAddress(layout.runDir, token);
  if (address.dir) ensurePrivateDir(address.dir);
  return { layout, token, address };
}
