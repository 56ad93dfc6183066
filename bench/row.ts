import { measuredAt } from './machine';
import type { Row } from './report';
import { summarize } from './stats';

/** One table row: Conduit's side against its baseline, measured in the same interleaved run. */
export function row(scenario: string, a: number[], b: number[], goal?: string): Row {
  const baseline = summarize(a);
  const conduit = summarize(b);
  return {
    scenario,
    baseline,
    conduit,
    addedP50: conduit.p50 - baseline.p50,
    addedP99: conduit.p99 - baseline.p99,
    ...(goal ? { goal } : {}),
    at: measuredAt(),
  };
}
