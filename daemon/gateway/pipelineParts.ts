import { AdapterPool } from './adapterPool';
import { BudgetStep } from './budgetStep';
import { CacheStep } from './cacheStep';
import type { GatewayDeps } from './gatewayTypes';
import type { PipelineParts } from './requestContext';
import { RouteStep } from './routeStep';

/** The parts every request's steps share, built once from the gateway's dependencies. */
export function pipelineParts(deps: GatewayDeps): PipelineParts {
  const env = deps.env ?? process.env;
  const routes = new RouteStep(env);
  return {
    deps,
    env,
    adapters: deps.adapters ?? new AdapterPool(),
    routes,
    cache: new CacheStep(deps.cache, env),
    budget: deps.budgets
      ? new BudgetStep({
          table: deps.budgets,
          modelFor: (c, p, t) => routes.modelFor(c, p, t),
          ...(deps.onBudgetSettled ? { onSettled: deps.onBudgetSettled } : {}),
          ...(deps.unpriced ? { unpriced: deps.unpriced } : {}),
          ...(deps.onUnpricedModel ? { onUnpriced: deps.onUnpricedModel } : {}),
        })
      : undefined,
  };
}
