import { afterAll, beforeAll } from 'vitest';
import { TeamConnection } from '../../../../daemon/team/teamConnection';
import { teamSchema, type TeamSettings } from '../../../../daemon/team/teamSettings';
import { RedisServer } from '../../../integration/redisServer';

/** A real redis-server for a unit test file, and team connections to it, closed afterwards. */
export function useRedis(): { readonly redis: RedisServer; connect(teamId?: string): Promise<TeamConnection> } {
  const conns: TeamConnection[] = [];
  const holder = {
    redis: undefined as unknown as RedisServer,
    async connect(teamId = 'unit'): Promise<TeamConnection> {
      const conn = new TeamConnection({ url: holder.redis.url, teamId, commandTimeoutMs: 500 });
      conn.setMaxListeners(0);
      await conn.start();
      conns.push(conn);
      return conn;
    },
  };
  beforeAll(async () => {
    holder.redis = await RedisServer.start();
  });
  afterAll(async () => {
    for (const c of conns) await c.close();
    await holder.redis?.stop();
  });
  return holder;
}

export function teamSettings(over: Partial<TeamSettings> = {}): TeamSettings {
  return { ...teamSchema.parse({}), ...over };
}
