import type { UsageGroup, UsageQueryResult } from '../../protocol/usage';

/** The human form of a usage/query result: a right-aligned table, totals, and what failed. */
export function formatUsageTable(r: UsageQueryResult): string {
  const header = [
    r.groupBy,
    'requests',
    'errors',
    'input tok',
    'output tok',
    'cost',
    'cache hits',
    'saved',
    'p50',
    'p95',
  ];
  const line = (g: UsageGroup): string[] => [
    g.key,
    num(g.requests),
    num(g.errors),
    num(g.inputTokens),
    num(g.outputTokens),
    usd(g.costUsd),
    g.requests > 0 ? `${Math.round((g.cacheHits / g.requests) * 100)}%` : '-',
    usd(g.cacheSavedUsd),
    ms(g.latencyMs.p50),
    ms(g.latencyMs.p95),
  ];
  const body = r.groups.map(line);
  const total = line({ ...r.total, key: 'total' });
  const widths = header.map((h, i) => Math.max(h.length, ...[...body, total].map((row) => row[i]!.length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [
    `Usage from ${when(r.since)} to ${when(r.until)}, by ${r.groupBy}`,
    '',
    render(header),
    ...(body.length > 0 ? body.map(render) : ['(no requests in this period)']),
    render(widths.map((w) => '-'.repeat(w))),
    render(total),
  ];
  const codes = Object.entries(r.errorsByCode).sort((a, b) => b[1] - a[1]);
  if (codes.length > 0) {
    const statuses = Object.entries(r.errorsByStatus)
      .sort((a, b) => b[1] - a[1])
      .map(([s, n]) => `${s === 'none' ? 'no status' : `HTTP ${s}`} ×${n}`);
    out.push('', `Errors: ${codes.map(([c, n]) => `${c} ×${n}`).join(', ')} (${statuses.join(', ')})`);
  }
  // Thinking is billed as output; the line shows how much of the output it was.
  if (r.total.reasoningTokens > 0) {
    const share =
      r.total.outputTokens > 0
        ? ` (${Math.round((r.total.reasoningTokens / r.total.outputTokens) * 100)}% of output)`
        : '';
    out.push(
      '',
      `Reasoning: ${num(r.total.reasoningTokens)} thinking tokens${share}, counted in output tok and priced as output.`,
    );
  }
  const notes: string[] = [];
  if (r.total.unpricedRequests > 0)
    notes.push(`${r.total.unpricedRequests} request(s) used a model without a known price and are not in the cost`);
  if (r.total.estimatedCostRequests > 0) notes.push(`${r.total.estimatedCostRequests} cost(s) are estimates`);
  if (notes.length > 0) out.push('', `Note: ${notes.join('; ')}.`);
  out.push(...sourceNotes(r));
  return out.join('\n') + '\n';
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function usd(n: number): string {
  return n === 0 ? '$0' : n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

function ms(n: number | null): string {
  if (n === null) return '-';
  return n >= 10_000 ? `${(n / 1000).toFixed(1)}s` : `${Math.round(n)}ms`;
}

function when(t: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Says when figures come from rollups because the raw rows are gone, or from raw rows during a migration. */
function sourceNotes(r: UsageQueryResult): string[] {
  const s = r.sources;
  if (!s) return [];
  if (s.migrating) {
    return [
      '',
      "Note: the ledger's rollups are still being built (see `conduit status`); these figures were read from the raw rows.",
    ];
  }
  if (s.rawSince === null || r.since >= s.rawSince) return [];
  const rounded = s.roundedToHour ? '; the edges of the range are rounded to whole hours there' : '';
  return [
    '',
    `Note: requests before ${when(s.rawSince)} are past usage.retentionDays; their figures come from the hourly and daily rollups${rounded}.`,
  ];
}
