import { parseArgs } from 'node:util';
import { TeamUsageRequest, type TeamUsageResult, type TeamUsageTotal } from '../../protocol';
import { toConduitError } from '../client/daemonClient';
import { parseTimeSpec } from '../usage/timeSpec';
import { formatUsd } from '../usage/pricing';
import { connect, ExitCode, UsageError } from './context';

/** `conduit usage --team [--since 7d] [--until T] [--json]`: the team's totals by person and by feature, from Redis. */
export async function teamUsageCommand(argv: string[], now = Date.now()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { team: { type: 'boolean', default: true }, since: { type: 'string', default: '7d' }, until: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected "${positionals[0]}"; usage: conduit usage --team [--since 7d] [--until T] [--json]`);
  const since = parseTimeSpec(values.since, now);
  if (since === null) throw new UsageError(`--since: "${values.since}" is not a time; use e.g. 24h, 7d, today or 2025-03-01.`);
  const until = values.until === undefined ? now + 1 : parseTimeSpec(values.until, now);
  if (until === null || until <= since) throw new UsageError(`--until: "${values.until}" must be a time after --since.`);
  const client = await connect(true);
  let result: TeamUsageResult;
  try {
    result = await client.connection.sendRequest(TeamUsageRequest.type, { since, until });
  } catch (err) {
    throw toConduitError(err);
  } finally {
    client.close();
  }
  process.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : formatTeamUsage(result));
  return ExitCode.ok;
}

export function formatTeamUsage(r: TeamUsageResult): string {
  const line = (t: TeamUsageTotal) => `  ${t.name.padEnd(24).slice(0, 24)} ${String(t.requests).padStart(8)} ${formatUsd(t.costUsd).padStart(12)} ${formatUsd(t.costSavedUsd).padStart(12)} ${String(t.inputTokens + t.outputTokens).padStart(12)} ${String(t.errors).padStart(7)}`;
  const head = `  ${''.padEnd(24)} ${'requests'.padStart(8)} ${'cost'.padStart(12)} ${'saved'.padStart(12)} ${'tokens'.padStart(12)} ${'errors'.padStart(7)}`;
  return [
    `Team ${r.teamId}, ${new Date(r.since).toISOString()} to ${new Date(r.until).toISOString()}`,
    head,
    line(r.total),
    '',
    'By person',
    ...r.byPerson.map(line),
    '',
    'By feature',
    ...r.byFeature.map(line),
    ...(r.oldestAt !== null && r.oldestAt > r.since ? ['', `Note: the team stream only goes back to ${new Date(r.oldestAt).toISOString()} (team.usageMaxRows / team.usageMaxAgeDays).`] : []),
  ].join('\n') + '\n';
}
