import type { KeychainBackend } from '../secrets/keychain';

/** The keychain account the team's Redis password is kept under, next to the provider keys. */
export const TEAM_PASSWORD_ACCOUNT = 'team-redis-password';

/**
 * The Redis password: from the OS keychain, else CONDUIT_REDIS_PASSWORD (the headless fallback,
 * as for provider keys); undefined when Redis needs none. Never from settings.
 */
export async function readTeamPassword(keychain: KeychainBackend, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    const stored = await keychain.get(TEAM_PASSWORD_ACCOUNT);
    if (stored) return stored;
  } catch {
    // No keychain here (a headless box): the environment is the fallback.
  }
  return env.CONDUIT_REDIS_PASSWORD || undefined;
}

export async function storeTeamPassword(keychain: KeychainBackend, password: string): Promise<{ store: string }> {
  await keychain.set(TEAM_PASSWORD_ACCOUNT, password);
  return { store: keychain.store };
}
