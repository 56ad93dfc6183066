import { runWithOutputGuard } from '../../guard/outputStep';
import type { RequestStep } from './requestStep';

/**
 * guard out, around every step below: the answer is redacted (secrets; PII when asked) and, when
 * it must be JSON, checked and sent back once for repair (so `next` may run twice).
 */
export const guardOut: RequestStep = (ctx, next) => {
  const { logger } = ctx.parts.deps;
  return runWithOutputGuard(
    ctx.request,
    ctx.call.sink,
    {
      settings: ctx.config.guard,
      inputRedacted: ctx.inputRedacted,
      requestId: ctx.call.requestId,
      log: (level, msg, fields) => logger.write(level, msg, fields),
    },
    (request, sink) => next({ ...ctx, request, call: { ...ctx.call, ...(sink ? { sink } : { sink: undefined }) } }),
  );
};
