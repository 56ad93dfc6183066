import { parseArgs } from 'node:util';
import { ExperimentsResultsRequest, type ExperimentsResultsResult, type Interval } from '../../protocol';
import { toConduitError } from '../client/daemonClient';
import { parseTimeSpec } from '../usage/timeSpec';
import { formatUsd } from '../usage/pricing';
import { connect, ExitCode, UsageError } from './context';

/** `conduit experiments [--since 30d] [--json]`: per-arm results of the configured A/B experiments. */
export async function experimentsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean', default: false }, since: { type: 'string' } },
  });
  const since = values.since !== undefined ? parseTimeSpec(values.since, Date.now()) : undefined;
  if (since === null) throw new UsageError(`--since takes 30d, 24h, a date or an ISO time, got "${values.since}".`);
  const client = await connect();
  let result: ExperimentsResultsResult;
  try {
    result = await client.connection.sendRequest(ExperimentsResultsRequest.type, since !== undefined ? { since } : {});
  } catch (err) {
    throw toConduitError(err);
  } finally {
    client.close();
  }
  process.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : formatExperiments(result));
  return ExitCode.ok;
}

function range(ci: Interval | null | undefined, f: (n: number) => string): string {
  return ci ? `[${f(ci.low)}, ${f(ci.high)}]` : '[too few]';
}

export function formatExperiments(r: ExperimentsResultsResult): string {
  if (r.experiments.length === 0) return 'No experiments are configured (config.json: "experiments").\n';
  const lines: string[] = [`since ${new Date(r.since).toISOString()}`];
  const pct = (n: number | null) => (n === null ? '-' : `${(n * 100).toFixed(1)}%`);
  const ms = (n: number | null) => (n === null ? '-' : `${Math.round(n)}`);
  for (const e of r.experiments) {
    lines.push('', `${e.id} (feature ${e.feature})`);
    lines.push(
      `  ${'arm'.padEnd(14)} ${'model'.padEnd(34)} ${'share'.padStart(6)} ${'requests'.padStart(8)} ${'errors'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'cost/req'.padStart(10)} ${'👍'.padStart(3)} ${'👎'.padStart(3)} ${'retries'.padStart(7)}`,
    );
    for (const a of e.arms) {
      lines.push(
        `  ${a.arm.padEnd(14)} ${`${a.provider}/${a.model}`.padEnd(34)} ${pct(a.share).padStart(6)} ${String(a.requests).padStart(8)} ${pct(a.errorRate).padStart(7)} ${ms(a.latencyP50Ms).padStart(7)} ${ms(a.latencyP95Ms).padStart(7)} ${(a.costPerRequestUsd === null ? '-' : formatUsd(a.costPerRequestUsd)).padStart(10)} ${String(a.ratingsUp).padStart(3)} ${String(a.ratingsDown).padStart(3)} ${String(a.retries).padStart(7)}`,
      );
    }
    // The intervals say how far each figure can be trusted; a winner is named only when they do not overlap.
    lines.push(
      `  95% intervals: ${'arm'.padEnd(14)} ${'👍 rate (Wilson)'.padEnd(24)} ${'cost/req (normal)'.padEnd(26)} mean latency ms (normal)`,
    );
    for (const a of e.arms) {
      const up = a.upRate === null || a.upRate === undefined ? '-' : `${pct(a.upRate)} ${range(a.upRateCi, pct)}`;
      const cost =
        a.costPerRequestUsd === null
          ? '-'
          : `${formatUsd(a.costPerRequestUsd)} ${range(a.costCi, (n) => formatUsd(Math.max(0, n)))}`;
      const lat =
        a.latencyMeanMs === null || a.latencyMeanMs === undefined
          ? '-'
          : `${ms(a.latencyMeanMs)} ${range(a.latencyCi, (n) => ms(Math.max(0, n)))}`;
      lines.push(`  ${''.padEnd(15)}${a.arm.padEnd(14)} ${up.padEnd(24)} ${cost.padEnd(26)} ${lat}`);
    }
    for (const c of e.comparisons ?? []) lines.push(`  ${c.note}`);
  }
  return lines.join('\n') + '\n';
}
