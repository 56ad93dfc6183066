import { ConduitError, TeamPasswordRequest, TeamUsageRequest, type TeamUsageParams, type TeamUsageResult } from '../../../protocol';
import type { RegisterHandlers } from '../clientSession';
import { answer } from './answer';

export interface TeamHandlerDeps {
  /** Undefined while team mode is off. */
  usage: ((params: TeamUsageParams) => Promise<TeamUsageResult>) | undefined;
  /** Stores the Redis password in the keychain; the daemon reconnects with it. */
  storePassword: (password: string) => Promise<{ store: string }>;
}

const OFF = 'Team mode is off: set conduit.team.redisUrl (or team.redisUrl in config.json, or CONDUIT_REDIS_URL) and team.id, then `conduit stop` so the daemon restarts with it.';

/** `team/*`: thin; the work lives in daemon/team. */
export function teamHandlers(deps: TeamHandlerDeps): RegisterHandlers {
  return (connection, ctx) => {
    connection.onRequest(TeamUsageRequest.type, (params) => answer(ctx.requireAuth, async () => {
      if (!deps.usage) throw new ConduitError({ code: 'invalid_request', message: OFF });
      const since = Number(params?.since);
      const until = Number(params?.until);
      if (!Number.isFinite(since) || !Number.isFinite(until) || since >= until) {
        throw new ConduitError({ code: 'invalid_request', message: 'team/usage needs since < until, in ms since the epoch.' });
      }
      try {
        return await deps.usage({ since, until });
      } catch (err) {
        throw new ConduitError({ code: 'network', message: err instanceof Error ? err.message : String(err) });
      }
    }));
    connection.onRequest(TeamPasswordRequest.type, (params) => answer(ctx.requireAuth, async () => {
      const password = params?.password;
      if (typeof password !== 'string' || password.length === 0 || password.length > 4096) {
        throw new ConduitError({ code: 'invalid_request', message: 'team/setPassword needs the password as a non-empty string (at most 4096 characters).' });
      }
      const { store } = await deps.storePassword(password);
      return { stored: true as const, store };
    }));
  };
}
