import {
  ConduitError,
  TeamPasswordRequest,
  TeamUsageRequest,
  type TeamUsageParams,
  type TeamUsageResult,
} from '../../../protocol';
import { keychainError } from '../../secrets/keychain';
import type { RegisterHandlers } from '../clientSession';
import { answer } from './answer';

export interface TeamHandlerDeps {
  /** Undefined while team mode is off. */
  usage: (params: TeamUsageParams) => Promise<TeamUsageResult> | undefined;
  /** Stores the Redis password in the keychain; the daemon reconnects with it. */
  storePassword: (password: string) => Promise<{ store: string }>;
}

const OFF =
  'Team mode is off: set conduit.team.redisUrl (or team.redisUrl in config.json, or CONDUIT_REDIS_URL) and team.id, then `conduit stop` so the daemon restarts with it.';

/** `team/*`: thin; the work lives in daemon/team. */
export function teamHandlers(deps: TeamHandlerDeps): RegisterHandlers {
  return (connection, ctx) => {
    connection.onRequest(TeamUsageRequest.type, (params) =>
      answer(ctx.requireAuth, async () => {
        const since = Number(params?.since);
        const until = Number(params?.until);
        if (!Number.isFinite(since) || !Number.isFinite(until) || since >= until) {
          throw new ConduitError({
            code: 'invalid_request',
            message: 'team/usage needs since < until, in ms since the epoch.',
          });
        }
        const totals = deps.usage({ since, until });
        if (!totals) throw new ConduitError({ code: 'invalid_request', message: OFF });
        try {
          return await totals;
        } catch (err) {
          throw new ConduitError({ code: 'network', message: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
    connection.onRequest(TeamPasswordRequest.type, (params) =>
      answer(ctx.requireAuth, async () => {
        const password = params?.password;
        if (typeof password !== 'string' || password.length === 0 || password.length > 4096) {
          throw new ConduitError({
            code: 'invalid_request',
            message: 'team/setPassword needs the password as a non-empty string (at most 4096 characters).',
          });
        }
        try {
          const { store } = await deps.storePassword(password);
          return { stored: true as const, store };
        } catch (err) {
          // The keychain's own message says why and what to do; the password is not in it.
          throw new ConduitError({
            code: 'keychain_unavailable',
            message: `${keychainError(err).message} The team's Redis password was not stored; CONDUIT_REDIS_PASSWORD in the daemon's environment is the fallback.`,
          });
        }
      }),
    );
  };
}
