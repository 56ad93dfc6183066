import type { KeyCandidate } from '../../secrets/keyRing';
import { keyFromEnv } from '../../secrets/keySource';
import { keyRequired } from '../../secrets/credentialKind';
import { withKeyRotation } from '../../secrets/keyRotation';
import type { CallOutcome } from '../providerCall';
import type { TargetContext } from '../requestContext';
import { callTarget } from './targetCall';

/**
 * key, for each target: the profile's keys in order; a 401 marks a key rejected and the same
 * request goes on with the next (secrets/keyRotation.ts).
 */
export function runTarget(ctx: TargetContext): Promise<CallOutcome> {
  const { target, request, config } = ctx;
  const { deps, env } = ctx.parts;
  const profile = request.profile ?? config.profile;
  const candidates = deps.keys?.candidates(target.provider, profile, env) ?? keyFromEnv(target.provider, env);
  return withKeyRotation(
    target.provider,
    candidates,
    keyRequired(target.provider),
    (key) => callTarget({ ...ctx, key }),
    { onRejected: (rejected, next) => keyRejected(ctx, profile, rejected, next) },
    ctx.call.signal,
  );
}

/** A key the provider refused is skipped from now on; the alert says which, by id only. */
function keyRejected(
  ctx: TargetContext,
  profile: string,
  rejected: KeyCandidate,
  next: KeyCandidate | undefined,
): void {
  const { deps } = ctx.parts;
  const provider = ctx.target.provider;
  deps.keys?.markRejected(rejected.key);
  deps.logger.warn('key rejected', {
    requestId: ctx.call.requestId,
    provider,
    profile,
    keyId: rejected.id,
    origin: rejected.origin,
    nextKeyId: next?.id ?? null,
  });
  deps.onKeyRejected?.({ provider, profile, keyId: rejected.id, origin: rejected.origin, nextKeyId: next?.id });
}
