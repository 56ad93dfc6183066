import type { RequestStep } from './requestStep';

/**
 * budget (gateway/budgetStep.ts): the worst case reserved against every budget that applies,
 * refused or moved down a tier when over; the reservation settles to the real cost afterwards.
 */
export const budget: RequestStep = (ctx, next) => {
  const step = ctx.parts.budget;
  return step
    ? step.run(ctx.request, ctx.route, ctx.config, (request, cover) => next({ ...ctx, request, cover }))
    : next(ctx);
};
