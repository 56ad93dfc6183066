import type { ChatResult } from '../../protocol';
import type { Arrival } from './requestContext';
import { runSteps } from './runSteps';
import { budget } from './steps/budget';
import { cache } from './steps/cache';
import { contextWindow } from './steps/contextWindow';
import { fallbackChain } from './steps/fallbackChain';
import { guardIn } from './steps/guardIn';
import { guardOut } from './steps/guardOut';
import { moderation } from './steps/moderation';
import { record } from './steps/record';
import type { RequestStep } from './steps/requestStep';
import { route } from './steps/route';
import { routeReport } from './steps/routeReport';
import { teamBudget } from './steps/teamBudget';

/**
 * The steps around the upstream call, outermost first. Each gets the request's context and the
 * rest of the list (`next`); docs/architecture.md lists the same steps, and how to add one.
 */
export const requestSteps: readonly RequestStep[] = [
  routeReport, // tells the result the route, the trims and a context-window move
  moderation, // guard.moderationFeatures: OpenAI's moderation endpoint
  guardOut, // redacts the answer; checks (and repairs once) JSON
  cache, // exact, then semantic; coalesces identical misses; stores the answer
  budget, // reserves the worst case; refuses or downgrades
  teamBudget, // the same against the team's budget in Redis
];

/**
 * A request, from arrival to answer. Nothing is sent before the first three, which only decide
 * what the request is and where it goes; then the steps; then the fallback chain, which runs
 * each target (steps/targetKeys.ts, steps/targetCall.ts), and its last resorts.
 */
export function runPipeline(arrival: Arrival): Promise<ChatResult> {
  return record(arrival, async () => {
    const ctx = contextWindow(route(guardIn(arrival)));
    return runSteps(requestSteps, ctx, fallbackChain);
  });
}
