import type { RequestStep } from './requestStep';

/**
 * cache and coalesce (gateway/cacheStep.ts): an exact match, then a semantic one, answers here;
 * a miss identical to one in flight waits for that call; everything below runs inside the shared
 * call, once, with the shared call's signal and sink, and its complete answer is stored.
 */
export const cache: RequestStep = (ctx, next) => ctx.parts.cache.run(ctx, (call) => next({ ...ctx, call }));
