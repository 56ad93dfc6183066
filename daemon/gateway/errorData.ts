import { ConduitError, type ConduitErrorData } from '../../protocol';
import type { Redactor } from '../guard/redact';
import type { Logger } from '../log/logger';
import type { Target } from '../resilience/fallbackPlan';

/**
 * A failure as the client sees it: cancelled when the caller gave up, a ConduitError's own data
 * (redacted, with the model filled in), or `internal` for anything unexpected, which is logged.
 */
export function toErrorData(
  err: unknown,
  signal: AbortSignal,
  deps: { redactor: Redactor; logger: Logger },
  target?: Target,
): ConduitErrorData {
  const model = target?.model;
  if (signal.aborted)
    return {
      code: 'cancelled',
      message: 'The request was cancelled.',
      ...(target ? { provider: target.provider, model: target.model } : {}),
    };
  if (err instanceof ConduitError) {
    const data = { ...err.data, message: deps.redactor.text(err.data.message) };
    if (model !== undefined && data.model === undefined) data.model = model;
    return data;
  }
  deps.logger.error('unexpected gateway error', {
    err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err),
  });
  return {
    code: 'internal',
    message: `Conduit hit an internal error: ${deps.redactor.text(err instanceof Error ? err.message : String(err))}. See the daemon log.`,
    ...(target ? { provider: target.provider, model: target.model } : {}),
  };
}
