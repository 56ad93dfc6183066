import { conduitHome } from '../home/conduitHome';
import { nodeCrypto } from '../platform/nodeCrypto';

/**
 * The keychain service name Conduit's entries live under. The default data directory uses
 * "conduit"; any other CONDUIT_HOME gets its own namespace, because each home has its own daemon,
 * and tests (or a second install) must never read or overwrite the user's real keys.
 * CONDUIT_KEYCHAIN_SERVICE overrides both.
 */
export function keychainService(home: string, env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.CONDUIT_KEYCHAIN_SERVICE?.trim();
  if (explicit) return explicit;
  const defaultHome = conduitHome({ ...env, CONDUIT_HOME: '' });
  if (home === defaultHome) return 'conduit';
  return `conduit-${nodeCrypto().createHash('sha256').update(home).digest('hex').slice(0, 12)}`;
}
