import type { ModelDeprecation, ProviderId, StatusResult } from '../protocol';
import { DaemonState } from './daemonState';

export type Health = 'ok' | 'rate-limited' | 'degraded' | 'budget' | 'deprecated' | 'starting' | 'stopped';

export interface StatusInput {
  provider: ProviderId;
  state: DaemonState;
  /** Why the supervisor gave up, when it did. */
  failure?: string;
  status?: StatusResult;
  /** Today's cost in USD (known prices only); undefined before the first query. */
  todayCostUsd?: number;
  /** Settings the daemon takes only when it next starts, by name. */
  restartPending?: string[];
  /** This window's last request failed in a way the user should see; cleared by its next success. */
  lastFailure?: { kind: 'auth' | 'outage' | 'budget'; message: string };
  now?: number;
}

export interface StatusSummary {
  health: Health;
  text: string;
  /** Markdown. */
  tooltip: string;
  /** What a screen reader says: plain words, no markdown, codicons or links. */
  accessibilityLabel: string;
  /** Configured models near or past their end of life, the one the provider uses first. */
  deprecations: ModelDeprecation[];
}

/** The command a tooltip link runs to swap a retiring model for its replacement. */
export const REPLACE_MODEL_COMMAND = 'conduit.replaceDeprecatedModel';

const ICONS: Record<Health, string> = {
  ok: '$(pass)',
  'rate-limited': '$(watch)',
  degraded: '$(warning)',
  budget: '$(credit-card)',
  deprecated: '$(history)',
  starting: '$(sync~spin)',
  stopped: '$(error)',
};

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  return usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** What the one status bar item says: provider, today's cost, and a health icon. Pure. */
export function summarizeStatus(input: StatusInput): StatusSummary {
  const now = input.now ?? Date.now();
  const details: string[] = [];
  let health: Health = 'ok';
  const status = input.status;
  const deprecations = [...(status?.deprecations ?? [])].sort(
    (a, b) => Number(b.provider === input.provider) - Number(a.provider === input.provider),
  );
  if (input.state === DaemonState.Stopped && input.failure) {
    health = 'stopped';
    details.push(`**Daemon stopped**: ${input.failure}`);
  } else if (input.state === DaemonState.Starting || input.state === DaemonState.Stopping) {
    health = 'starting';
    details.push(input.state === DaemonState.Starting ? 'Connecting to the daemon…' : 'Stopping the daemon…');
  } else if (status) {
    const open = status.circuits.filter((c) => c.state !== 'closed');
    const limited = status.rateLimits.filter(
      (r) => (r.pausedUntil !== null && r.pausedUntil > now) || r.queued.interactive + r.queued.background > 0,
    );
    const rateAlerts = status.alerts.filter((a) => a.kind === 'rate_limited' || a.kind === 'queueing');
    const costAlerts = status.alerts.filter((a) => a.kind === 'cost_spike');
    // Deprecations get their own lines below, with what to switch to.
    const alerts = status.alerts.filter((a) => a.kind !== 'model_deprecated');
    const otherAlerts = alerts.filter((a) => !rateAlerts.includes(a) && !costAlerts.includes(a));
    const retired = deprecations.some((d) => d.state === 'past' && d.provider === input.provider);
    const native = status.nativeModules ?? [];
    if (open.length > 0 || otherAlerts.length > 0 || status.ledger.degraded || retired || native.length > 0)
      health = 'degraded';
    else if (limited.length > 0 || rateAlerts.length > 0) health = 'rate-limited';
    else if (costAlerts.length > 0) health = 'budget';
    else if (deprecations.length > 0) health = 'deprecated';
    for (const c of open) details.push(`Circuit ${c.key} is ${c.state}${c.lastFailure ? ` (${c.lastFailure})` : ''}`);
    for (const r of limited)
      details.push(
        `${r.provider} is rate-limited${r.pausedUntil && r.pausedUntil > now ? ` for ${Math.ceil((r.pausedUntil - now) / 1000)} s` : ''}; ${r.queued.interactive + r.queued.background} waiting`,
      );
    for (const d of deprecations) details.push(deprecationLine(d));
    for (const a of alerts) details.push(`${a.severity === 'critical' ? 'Critical' : 'Warning'}: ${a.message}`);
    for (const m of native) details.push(m.message);
    if (status.ledger.degraded) details.push(`Ledger: ${status.ledger.degraded}`);
    const problems = status.config?.problems ?? [];
    if (problems.length > 0) {
      if (health === 'ok' || health === 'deprecated') health = 'degraded';
      details.push(
        `**Settings not applied** (${escapeMarkdown(status.config?.file ?? 'config.json')}): ${problems
          .map((p) => `${escapeMarkdown(p.path)} (${p.severity})`)
          .join(', ')}`,
      );
    }
    const p = status.providers.find((x) => x.id === input.provider);
    if (p) details.push(`Model ${p.defaultModel}; key from ${p.keySource}`);
  } else {
    details.push('Not connected yet: the daemon starts with the first request.');
  }
  if (input.lastFailure && health !== 'stopped' && health !== 'starting') {
    if (input.lastFailure.kind === 'budget') health = health === 'degraded' ? health : 'budget';
    else health = 'degraded';
    details.unshift(`**Last request failed**: ${escapeMarkdown(input.lastFailure.message)}`);
  }
  if (input.restartPending?.length)
    details.push(
      `$(debug-restart) Applies when the daemon restarts ("Conduit: Restart Daemon"): ${input.restartPending.join(', ')}`,
    );
  const cost = input.todayCostUsd === undefined ? '' : ` · ${formatUsd(input.todayCostUsd)}`;
  const tooltip = [
    `**Conduit**: ${input.provider}${input.todayCostUsd === undefined ? '' : `, ${formatUsd(input.todayCostUsd)} today`}`,
    ...details,
    '',
    'Click for usage and cost.',
  ].join('\n\n');
  const todayText = input.todayCostUsd === undefined ? '' : `, ${formatUsd(input.todayCostUsd)} today`;
  const label = [`Conduit: ${input.provider}${todayText}, ${HEALTH_WORDS[health]}`, ...details.map(plainText)].join(
    '. ',
  );
  const text = `${ICONS[health]} ${input.provider}${cost}`;
  return { health, text, tooltip, accessibilityLabel: label, deprecations };
}

const HEALTH_WORDS: Record<Health, string> = {
  ok: 'healthy',
  'rate-limited': 'rate-limited',
  degraded: 'degraded',
  budget: 'spending above normal',
  deprecated: 'a configured model is retiring',
  starting: 'connecting',
  stopped: 'daemon stopped',
};

/** A tooltip line as speech: links become their text, codicons and emphasis go, escapes are undone. */
function plainText(markdown: string): string {
  return markdown
    .replace(/\$\([a-z-~]+\)\s*/g, '')
    .replace(/\[((?:\\.|[^\]])*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*/g, '')
    .replace(/\\(.)/g, '$1')
    .trim();
}

/** "$(history) Retiring: …message… [Switch to X](command:…)": the link swaps the model in conduit.models. */
function deprecationLine(d: ModelDeprecation): string {
  const head = d.state === 'past' ? '$(error) **Model retired**' : '$(history) **Model retiring**';
  if (!d.replacement) return `${head}: ${escapeMarkdown(d.message)}`;
  const args = encodeURIComponent(
    JSON.stringify([{ provider: d.provider, model: d.model, replacement: d.replacement }]),
  );
  return `${head}: ${escapeMarkdown(d.message)} [Switch to ${escapeMarkdown(d.replacement)}](command:${REPLACE_MODEL_COMMAND}?${args})`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, '\\$&');
}
