import type { ProviderStatus } from '../protocol/daemon';
import type { RateLimitBucketStatus, RateLimitStatus } from '../protocol/rateLimit';
import type { Alert, UsageRow } from '../protocol/usage';
import type { PanelLive } from '../protocol/webview';
import { cardNodes } from './cardsMarkup';
import { el, markupDom, table, type Child } from './dom';
import { clock, count, until } from './format';
import { msColumn, usdColumn } from './ticks';
import type { ExperimentView, IntervalView } from './tolerant';
import type { CardView } from './viewModel';

/** The panel's sections as DOM, from view data. Text only (see dom.ts). */

export function cardsSection(cards: CardView[]): HTMLElement[] {
  return cardNodes(cards).map(markupDom);
}

function bucket(l: RateLimitStatus, kind: RateLimitBucketStatus['kind'], now: number): string {
  const b = l.buckets.find((x) => x.kind === kind);
  if (!b) return '—';
  return `${count(b.remaining)} / ${count(b.limit)}${b.fullAt !== null ? ` (full ${until(b.fullAt, now)})` : ''}`;
}

export function limitsTable(live: PanelLive): HTMLElement {
  const limits = live.status?.rateLimits ?? [];
  if (limits.length === 0)
    return el(
      'p',
      { class: 'empty' },
      live.status ? 'No provider has been limited yet.' : 'The daemon is not running.',
    );
  return table(
    'Rate-limit headroom per provider and key (per minute)',
    ['provider', 'key', 'tier', 'requests', 'input tokens', 'output tokens', 'tokens', 'queued', 'paused'],
    limits.map((l) => [
      l.provider,
      l.keyId,
      l.tier,
      bucket(l, 'requests', live.at),
      bucket(l, 'input_tokens', live.at),
      bucket(l, 'output_tokens', live.at),
      bucket(l, 'tokens', live.at),
      `${count(l.queued.interactive)} interactive, ${count(l.queued.background)} background`,
      l.pausedUntil !== null && l.pausedUntil > live.at ? `until ${until(l.pausedUntil, live.at)}` : 'no',
    ]),
    { 'data-table': 'limits' },
  );
}

export function healthTable(live: PanelLive): HTMLElement {
  const status = live.status;
  if (!status) return el('p', { class: 'empty' }, 'The daemon is not running.');
  const circuitOf = (p: ProviderStatus) => status.circuits.filter((c) => c.key.startsWith(`${p.id}/`));
  const provRows: Child[][] = status.providers.map((p) => {
    const circuits = circuitOf(p);
    const open = circuits.filter((c) => c.state !== 'closed');
    const health = open.length > 0 ? open.map((c) => `${c.key} ${c.state}`).join(', ') : 'healthy';
    return [p.id, p.defaultModel, p.keySource, health];
  });
  const circuitRows: Child[][] = status.circuits.map((c) => [
    c.key,
    c.state,
    count(c.failures),
    `${count(c.windowFailures)} of ${count(c.windowRequests)}`,
    c.nextProbeAt !== null ? until(c.nextProbeAt, live.at) : '—',
    c.lastFailure ?? '—',
  ]);
  const ledger = status.ledger.degraded ? el('p', { class: 'warning' }, `Ledger: ${status.ledger.degraded}`) : null;
  return el(
    'div',
    {},
    table('Providers', ['provider', 'model', 'key from', 'health'], provRows, { 'data-table': 'providers' }),
    circuitRows.length > 0
      ? table(
          'Circuit breakers',
          ['provider/model', 'state', 'consecutive failures', 'failures in window', 'next probe', 'last failure'],
          circuitRows,
          { 'data-table': 'circuits' },
        )
      : null,
    ledger,
    el(
      'p',
      { class: 'muted' },
      `${count(status.inFlight)} in flight · ${count(status.requestsServed)} served since the daemon started`,
    ),
  );
}

export function alertsList(active: Alert[], recent: Alert[], offset: number, today: string): HTMLElement {
  if (active.length === 0 && recent.length === 0) return el('p', { class: 'empty' }, 'No alerts.');
  const row = (a: Alert, state: string): Child[] => [
    state,
    a.severity,
    a.message,
    clock(a.firedAt, offset, today),
    a.clearedAt !== null ? clock(a.clearedAt, offset, today) : '—',
  ];
  return table(
    'Alerts',
    ['state', 'severity', 'message', 'since', 'cleared'],
    [...active.map((a) => row(a, 'firing')), ...recent.slice(0, 10).map((a) => row(a, 'cleared'))],
    { 'data-table': 'alerts' },
  );
}

export function experimentsTables(list: ExperimentView[]): HTMLElement[] {
  const opt = (v: number | null, f: (n: number) => string) => (v === null ? '—' : f(v));
  // "value (low–high)": each arm's 95% interval beside its figure, as `conduit experiments` gives it.
  const withCi = (v: number | null, ci: IntervalView | null, f: (n: number) => string) =>
    v === null ? '—' : ci ? `${f(v)} (${f(ci.low)}–${f(ci.high)})` : f(v);
  return list.flatMap((e) => {
    // One precision per column, intervals included.
    const cost = usdColumn(e.arms.flatMap((a) => [a.costPerRequestUsd, a.costCi?.low, a.costCi?.high]));
    const lat = msColumn(e.arms.flatMap((a) => [a.latencyMeanMs, a.latencyCi?.low, a.latencyCi?.high]));
    const share = (v: number) => `${(v * 100).toFixed(0)} %`;
    return [
      table(
        `Experiment ${e.name}`,
        [
          'arm',
          'requests',
          'cost / request (95% CI)',
          'mean latency (95% CI)',
          'latency p50',
          'errors',
          '👍 rate (95% CI)',
          'rated 👍',
          'rated 👎',
        ],
        e.arms.map((a) => [
          a.name,
          opt(a.requests, count),
          withCi(a.costPerRequestUsd, a.costCi, (v) => cost(Math.max(0, v))),
          withCi(a.latencyMeanMs, a.latencyCi, (v) => lat(Math.max(0, v))),
          opt(a.latencyP50Ms, lat),
          opt(a.errors, count),
          withCi(a.upRate, a.upRateCi, share),
          opt(a.ratingsUp, count),
          opt(a.ratingsDown, count),
        ]),
        { 'data-table': 'experiment', 'data-experiment': e.name },
      ),
      ...(e.notes.length > 0
        ? [
            el(
              'ul',
              { class: 'experiment-notes', 'data-experiment-notes': e.name },
              ...e.notes.map((n) => el('li', {}, n)),
            ),
          ]
        : []),
    ];
  });
}

export function recentTable(rows: UsageRow[], offset: number, today: string): HTMLElement {
  if (rows.length === 0) return el('p', { class: 'empty' }, 'No requests in this range.');
  // Prompt text exists only when the daemon's sampling recorded it (already redacted there).
  const samples = rows.some((r) => r.sample !== null);
  const head = [
    'time',
    'feature',
    'model',
    'tokens in → out',
    'cost',
    'latency',
    'cache',
    'attempts',
    'fallback',
    'error',
    ...(samples ? ['prompt (sampled)'] : []),
  ];
  const cost = usdColumn(rows.map((r) => r.costUsd));
  const latency = msColumn(rows.map((r) => r.latencyMs));
  return table(
    'Recent requests, newest first',
    head,
    rows.map((r) => [
      clock(r.startedAt, offset, today),
      r.feature,
      r.model ?? '—',
      `${count(r.inputTokens)} → ${count(r.outputTokens)}`,
      r.costUsd === null ? 'unknown' : cost(r.costUsd),
      latency(r.latencyMs),
      r.cache,
      count(r.attempts),
      r.fallbackPath.length > 0 ? r.fallbackPath.join(' → ') : '—',
      r.errorCode ?? '—',
      ...(samples ? [r.sample ? r.sample.prompt.slice(0, 200) : '—'] : []),
    ]),
    { 'data-table': 'recent' },
  );
}
