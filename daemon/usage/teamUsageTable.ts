import type { TeamUsageResult, TeamUsageTotal } from '../../protocol';
import { formatUsd } from './pricing';

/** `conduit usage --team` as a table: the team's total, then by person, then by feature. */
export function formatTeamUsage(r: TeamUsageResult): string {
  const line = (t: TeamUsageTotal) =>
    `  ${t.name.padEnd(24).slice(0, 24)} ${String(t.requests).padStart(8)} ${formatUsd(t.costUsd).padStart(12)} ${formatUsd(t.costSavedUsd).padStart(12)} ${String(t.inputTokens + t.outputTokens).padStart(12)} ${String(t.errors).padStart(7)}`;
  const head = `  ${''.padEnd(24)} ${'requests'.padStart(8)} ${'cost'.padStart(12)} ${'saved'.padStart(12)} ${'tokens'.padStart(12)} ${'errors'.padStart(7)}`;
  return (
    [
      `Team ${r.teamId}, ${new Date(r.since).toISOString()} to ${new Date(r.until).toISOString()}`,
      head,
      line(r.total),
      '',
      'By person',
      ...r.byPerson.map(line),
      '',
      'By feature',
      ...r.byFeature.map(line),
      ...(r.oldestAt !== null && r.oldestAt > r.since
        ? [
            '',
            `Note: the team stream only goes back to ${new Date(r.oldestAt).toISOString()} (team.usageMaxRows / team.usageMaxAgeDays).`,
          ]
        : []),
    ].join('\n') + '\n'
  );
}
