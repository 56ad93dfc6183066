import { addTrims } from '../../router/contextTrim';
import type { RequestStep } from './requestStep';

/** What routing and the context window did, told in the result: the route, the trims, a larger-context move. */
export const routeReport: RequestStep = async (ctx, next) => {
  const result = await next(ctx);
  result.route ??= ctx.route;
  const trimmed = addTrims(ctx.trimmed, result.trimmed);
  if (trimmed) result.trimmed = trimmed;
  if (ctx.contextFallback) result.contextFallback = ctx.contextFallback;
  return result;
};
