/** The rest of the pipeline after a step: called with the context the step hands on. */
export type Next<C, R> = (ctx: C) => Promise<R>;

/**
 * One step of a pipeline: it gets the context and the rest of the pipeline, and returns the
 * result. It may answer without calling `next` (a cache hit, a refusal), call it with a changed
 * copy of the context, call it more than once (a repair, a retry), or wrap it (a reservation
 * settled afterwards).
 */
export type Step<C, R> = (ctx: C, next: Next<C, R>) => Promise<R>;

/** Runs `steps` in order, outermost first, with `last` after the last of them (Koa's and Hono's compose). */
export function runSteps<C, R>(steps: readonly Step<C, R>[], ctx: C, last: Next<C, R>): Promise<R> {
  const from =
    (i: number): Next<C, R> =>
    (c) => {
      const step = steps[i];
      try {
        return step ? step(c, from(i + 1)) : last(c);
      } catch (err) {
        // A step that throws before its first await still fails as a rejected promise.
        return Promise.reject(err);
      }
    };
  return from(0)(ctx);
}
