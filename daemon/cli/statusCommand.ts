import { parseArgs } from 'node:util';
import type { RateLimitStatus, StatusResult } from '../../protocol';
import { formatUsd } from '../usage/pricing';
import { connect, ExitCode } from './context';

export async function statusCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean', default: false }, 'settle-memory': { type: 'boolean', default: false } },
  });
  // Status never starts a daemon: "not running" is an answer, not an error to fix by starting one.
  const client = await connect(false);
  try {
    const status = await client.status(values['settle-memory']);
    process.stdout.write(values.json ? JSON.stringify(status, null, 2) + '\n' : formatStatus(status));
    return ExitCode.ok;
  } finally {
    client.close();
  }
}

function formatStatus(s: StatusResult): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  const lines = [
    `Conduit daemon ${s.version} (protocol ${s.protocolVersion})`,
    `  pid        ${s.pid}`,
    `  uptime     ${formatDuration(s.uptimeMs)}`,
    `  clients    ${s.clients}`,
    `  in flight  ${s.inFlight} (served ${s.requestsServed})`,
    `  memory     rss ${mb(s.memory.rss)}, heap ${mb(s.memory.heapUsed)}`,
    `  home       ${s.home}`,
    `  idle exit  after ${formatDuration(s.idleTimeoutMs)} without clients`,
    `  ledger     ${s.ledger.state}${s.ledger.degraded ? ` (${s.ledger.degraded})` : ''}${rollupProgress(s.ledger.rollupMigration)}`,
    ...(s.keychain
      ? [
          `  keychain   ${s.keychain.store}: ${s.keychain.available ? 'available' : `UNAVAILABLE: ${s.keychain.problem ?? 'unknown reason'}`}`,
        ]
      : []),
    ...(s.profile ? [`  profile    ${s.profile}`] : []),
    ...(s.platform ? [`  platform   ${s.platform}, ${s.runtime ?? ''}`] : []),
    ...(s.nativeModules ?? []).map((m) => `  NATIVE MODULE FAILED  ${m.message}`),
    ...(s.semanticCache
      ? [
          `  embedder   ${s.semanticCache.embedder}: ${s.semanticCache.embedderReason}`,
          `  index      ${s.semanticCache.index}: ${s.semanticCache.indexReason}`,
        ]
      : []),
    '  providers',
    ...s.providers.map(
      (p) => `    ${p.id.padEnd(17)} key: ${p.keySource.padEnd(12)} model: ${p.defaultModel}  ${p.baseURL}`,
    ),
  ];
  if (s.fallback) {
    const entries = Object.entries(s.fallback.chains);
    const how = s.fallback.automatic
      ? ' (automatic: the other providers with a key, same tier, within the cost guard)'
      : '';
    lines.push(
      `  fallback   ${entries.length ? entries.map(([f, c]) => `${f}: ${c.length ? c.join(' → ') : 'none'}`).join('; ') : 'none'}${how}`,
    );
  }
  const tripped = s.circuits.filter((c) => c.state !== 'closed');
  if (tripped.length)
    lines.push(
      '  circuits',
      ...tripped.map(
        (c) =>
          `    ${c.key}: ${c.state}${c.lastFailure ? ` (last: ${c.lastFailure})` : ''}${c.nextProbeAt ? `, next probe ${new Date(c.nextProbeAt).toISOString()}` : ''}`,
      ),
    );
  if (s.config?.problems.length) {
    lines.push(
      `  config     ${s.config.file}: the settings below are not used as written; everything else applies`,
      ...s.config.problems.map((p) => `    [${p.severity}] ${p.message}`),
    );
  }
  // The config alert says the same as the config section above.
  const alerts = s.alerts.filter((a) => a.kind !== 'config_invalid');
  if (alerts.length) lines.push('  alerts', ...alerts.map((a) => `    [${a.severity}] ${a.message}`));
  if (s.rateLimits?.length) lines.push('  rate limits', ...s.rateLimits.map(formatRateLimit));
  if (s.budgets?.length)
    lines.push(
      '  budgets',
      ...s.budgets.map(
        (b) =>
          `    ${b.scope} ${b.period}: ${formatUsd(b.spentUsd)} of ${formatUsd(b.limitUsd)} spent, ${formatUsd(b.remainingUsd)} left${b.reservedUsd > 0 ? ` (${formatUsd(b.reservedUsd)} reserved)` : ''}; resets ${new Date(b.resetsAt).toISOString()}`,
      ),
    );
  if (s.unpricedSpend) {
    const u = s.unpricedSpend;
    lines.push(
      `  unpriced   ${formatUsd(u.usd)} today at assumed prices (approximate; ${u.requests} request(s)): ${u.models.map((m) => `${m.model} at ${m.assumedFrom}'s prices`).join(', ')}`,
    );
  }
  if (s.team)
    lines.push(
      `  team       ${s.team.teamId} as ${s.team.displayName}: ${s.team.mode} (${s.team.redis})${s.team.problem ? `: ${s.team.problem}` : ''}${s.team.pendingUsage ? `; ${s.team.pendingUsage} usage row(s) waiting for Redis` : ''}`,
      ...s.team.budgets.map(
        (b) =>
          `    team ${b.period}: ${formatUsd(b.spentUsd)} of ${formatUsd(b.limitUsd)} spent, ${formatUsd(b.remainingUsd)} left`,
      ),
    );
  if (s.deprecations?.length)
    lines.push(
      '  deprecated models',
      ...s.deprecations.map((d) => `    [${d.state === 'past' ? 'retired' : 'soon'}] ${d.message}`),
    );
  return lines.join('\n') + '\n';
}

/** "anthropic key 1a2b3c4d (tier1): requests 48/50, input_tokens 29k/30k, …; queued 2; paused 3s". */
function formatRateLimit(r: RateLimitStatus): string {
  const short = (n: number) => (Math.abs(n) >= 10_000 ? `${Math.round(n / 1000)}k` : String(n));
  const buckets = r.buckets.map((b) => `${b.kind} ${short(b.remaining)}/${short(b.limit)}`).join(', ');
  const queued = r.queued.interactive + r.queued.background;
  const paused = r.pausedUntil ? `; paused ${formatDuration(r.pausedUntil - Date.now())}` : '';
  return `    ${r.provider} key ${r.keyId} (${r.tier}): ${buckets}; queued ${queued}${paused}`;
}

function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** While an older ledger's rows are added to the rollups (docs/usage-at-scale.md). */
function rollupProgress(m: { done: number; total: number } | null | undefined): string {
  if (!m) return '';
  return `, building rollups ${Math.floor((m.done / Math.max(1, m.total)) * 100)}% (${m.done} of ${m.total} rows)`;
}
