import type { AttemptRecord, ChatRequest, ChatResult, ConduitErrorData, RouteInfo } from '../../protocol';
import { sampleOf } from '../usage/sampling';
import { round } from './cacheStep';
import type { GatewayDeps, SendContext } from './gatewayTypes';
import { buildRecord } from './recordBuilder';

/** One logical request's outcome, as the gateway records it. */
export interface RequestOutcome {
  ctx: SendContext;
  request: ChatRequest | undefined;
  startedAt: number;
  /** performance.now() at the start, for the latency. */
  started: number;
  result?: ChatResult;
  error?: ConduitErrorData;
  attempts?: AttemptRecord[];
  fallbacks?: string[];
  route?: RouteInfo;
}

/** Exactly one ledger row and one log line per logical request, whatever happened. */
export async function recordRequest(
  deps: Pick<GatewayDeps, 'config' | 'redactor' | 'recorder' | 'logger'>,
  o: RequestOutcome,
): Promise<void> {
  const config = deps.config();
  const sample = sampleOf(o.request, o.result?.text ?? o.error?.partialText, config.sampling, deps.redactor);
  const prices = config.prices;
  const record = buildRecord({
    ctx: o.ctx,
    request: o.request,
    startedAt: o.startedAt,
    latencyMs: round(performance.now() - o.started),
    result: o.result,
    error: o.error,
    attempts: o.attempts ?? [],
    fallbacks: o.fallbacks ?? [],
    sample,
    ...(o.route ? { route: o.route } : {}),
    ...(prices ? { prices } : {}),
  });
  let recorded = false;
  if (deps.recorder) recorded = (await deps.recorder.record(record)).recorded;
  // After the reply is on its way: the line (deep redaction, JSON, a write) is not what a crash
  // must keep, the ledger row is, and it cost the reply tens of µs (bench/profile.ts).
  setImmediate(() => deps.logger.info('request', { ...record, sample: undefined, recorded }));
}
