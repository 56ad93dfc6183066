import type { ProviderId } from '../../protocol';
import type { TeamBudget } from '../team/teamBudget';

/** What team mode lends the pipeline; absent when team mode is off. */
export interface TeamHooks {
  /** One attempt under the team's shared request (and token) limits for this provider and key. */
  limited<T>(
    provider: ProviderId,
    apiKey: string | undefined,
    signal: AbortSignal,
    fn: () => Promise<T>,
    tokens?: { input: number; output: number },
  ): Promise<T>;
  /** The team budget, once team mode runs. */
  budget(): TeamBudget | undefined;
}
