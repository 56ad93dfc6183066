import type { TeamStatus, TeamUsageResult, TeamUsageTotal } from '../protocol/team';
import { el, table, type Child } from './dom';
import { count, usd } from './format';

/**
 * The team section: the team's totals by person and by feature (team mode only), and whether
 * this daemon is connected to the team's Redis. Text only (see dom.ts).
 */
export function teamSection(usage: TeamUsageResult | undefined, status: TeamStatus | undefined): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (status) {
    const state =
      status.mode === 'connected'
        ? `connected to ${status.redis}`
        : status.mode === 'degraded'
          ? `Redis unreachable: local limits, local cache and ${Math.round(status.offlineShare * 100)}% of the team budget`
          : status.mode;
    out.push(el('p', { 'data-team-mode': status.mode }, `Team ${status.teamId} as ${status.displayName}: ${state}.`));
  }
  if (!usage) return out;
  const row = (t: TeamUsageTotal): Child[] => [
    t.name,
    count(t.requests),
    usd(t.costUsd),
    usd(t.costSavedUsd),
    count(t.inputTokens + t.outputTokens),
    count(t.errors),
  ];
  const head = ['', 'requests', 'cost', 'saved by cache', 'tokens', 'errors'];
  out.push(
    table(
      `Team ${usage.teamId}: by person`,
      head,
      [...usage.byPerson.map(row), row({ ...usage.total, name: 'Team total' })],
      { 'data-table': 'team-person' },
    ),
    table(`Team ${usage.teamId}: by feature`, head, usage.byFeature.map(row), { 'data-table': 'team-feature' }),
  );
  return out;
}
