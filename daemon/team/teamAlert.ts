import type { AlertEvent } from '../../protocol';
import { AlertManager } from '../usage/alertManager';
import type { FiringAlert } from '../usage/alertRules';

const COOLDOWN_MS = 15 * 60_000;

/** The "Redis unreachable" alert: fired when team mode degrades, cleared when it rejoins. */
export class TeamAlert {
  private readonly manager = new AlertManager();

  update(problem: string | undefined, redis: string, share: number, now = Date.now()): AlertEvent[] {
    const firing: FiringAlert[] =
      problem === undefined
        ? []
        : [
            {
              id: 'team_redis',
              kind: 'team_redis',
              severity: 'warning',
              message: `Team mode: Redis at ${redis} is unreachable (${problem}). This daemon runs on local rate limits, its local cache and ${Math.round(share * 100)}% of the team budget until Redis returns; no request fails because of it.`,
              value: 1,
              threshold: 1,
            },
          ];
    return this.manager.update(firing, now, COOLDOWN_MS);
  }

  active(): ReturnType<AlertManager['list']>['active'] {
    return this.manager.list().active;
  }
}
