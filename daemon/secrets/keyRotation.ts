import { ConduitError, type ProviderId } from '../../protocol';
import type { KeyCandidate } from './keyRing';
import { keyEnvVar } from './keySource';

export interface RotationHooks {
  /** The provider refused `rejected` (401); `next` is the key tried now, if any. */
  onRejected(rejected: KeyCandidate, next: KeyCandidate | undefined): void;
}

/**
 * Runs one provider call with its keys in turn: a 401 marks the key bad (the hook) and the same
 * request goes on with the next key. Any other failure, or a 401 on the last key, is the
 * caller's to handle (retry policy, fallback). A provider that needs no key runs once without.
 */
export async function withKeyRotation<T>(
  provider: ProviderId,
  candidates: readonly KeyCandidate[],
  keyRequired: boolean,
  run: (key: string | undefined) => Promise<T>,
  hooks: RotationHooks,
  signal: AbortSignal,
): Promise<T> {
  if (candidates.length === 0) {
    if (keyRequired) {
      throw new ConduitError({
        code: 'no_api_key',
        provider,
        message: `No API key for ${provider}. Run \`conduit key set ${provider}\` to store one in the OS keychain, or set ${keyEnvVar(provider)} in the environment the daemon starts from and run \`conduit stop\` so the next request starts it with the key.`,
      });
    }
    return run(undefined);
  }
  for (let i = 0; ; i++) {
    const candidate = candidates[i]!;
    try {
      return await run(candidate.key);
    } catch (err) {
      const rejected = err instanceof ConduitError && err.code === 'auth' && !signal.aborted && !isCommitted(err);
      if (!rejected) throw err;
      const next = candidates[i + 1];
      hooks.onRejected(candidate, next);
      if (!next) throw err;
    }
  }
}

/** Part of the answer already reached the client: switching keys would repeat it. */
function isCommitted(err: ConduitError): boolean {
  return (err as { reason?: unknown }).reason === 'committed';
}
