import type { TeamUsageParams, TeamUsageResult, TeamUsageTotal } from '../../protocol';
import type { RequestRecord } from '../usage/requestRecord';
import { BacklogDrainer } from './backlogDrainer';
import type { TeamConnection } from './teamConnection';
import type { TeamSettings } from './teamSettings';

/** One team usage row as the stream holds it: figures and names, never prompt text or keys. */
export interface TeamUsageRow {
  requestId: string;
  at: number;
  person: string;
  feature: string;
  provider: string;
  model: string;
  costUsd: number;
  costSavedUsd: number;
  inputTokens: number;
  outputTokens: number;
  error: string;
  cache: string;
}

const MAX_PENDING = 100_000;

export function teamRow(record: RequestRecord, person: string): TeamUsageRow {
  return {
    requestId: record.requestId,
    at: record.startedAt,
    person,
    feature: record.feature,
    provider: record.provider ?? '',
    model: record.model ?? '',
    costUsd: record.costUsd ?? 0,
    costSavedUsd: record.costSavedUsd,
    inputTokens: record.usage.input_tokens,
    outputTokens: record.usage.output_tokens,
    error: record.errorCode ?? '',
    cache: record.cache,
  };
}

/**
 * The team's usage: every ledger row of every daemon, appended to one Redis stream, capped by
 * length on each append and by age now and then. Rows that cannot be appended (Redis down) wait
 * in memory, in order, and go out when Redis is back; the local ledger has them all the while.
 */
export class TeamUsage {
  private pending: TeamUsageRow[] = [];
  private readonly drainer = new BacklogDrainer(
    () => this.drain(),
    () => this.pending.length > 0 && this.team.up,
  );
  private appended = 0;
  dropped = 0;

  constructor(
    private readonly team: TeamConnection,
    private readonly settings: () => TeamSettings,
    private readonly origin: string,
  ) {
    team.on('up', () => void this.flush());
  }

  get streamKey(): string {
    return this.team.key('usage');
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  append(row: TeamUsageRow): void {
    if (this.pending.length >= MAX_PENDING) {
      // A very long outage: the oldest rows give way (the local ledger still has them).
      this.pending.shift();
      this.dropped++;
    }
    this.pending.push(row);
    if (this.team.up) void this.flush();
  }

  flush(): Promise<void> {
    return this.drainer.run();
  }

  private async drain(): Promise<boolean> {
    try {
      while (this.pending.length > 0 && this.team.up) {
        const batch = this.pending.slice(0, 200);
        const s = this.settings();
        const multi = this.team.client.multi();
        for (const row of batch) {
          multi.xadd(
            this.streamKey,
            'MAXLEN',
            '~',
            String(s.usageMaxRows),
            '*',
            'origin',
            this.origin,
            ...Object.entries(row).flatMap(([k, v]) => [k, String(v)]),
          );
        }
        if ((this.appended += batch.length) % 1000 < batch.length) {
          // Rows older than the age cap; stream ids are arrival times in ms.
          multi.xtrim(this.streamKey, 'MINID', '~', String(Date.now() - s.usageMaxAgeDays * 86_400_000));
        }
        const replies = await multi.exec();
        if (!replies || replies.some(([err]) => err)) throw new Error('team usage: append failed');
        this.pending.splice(0, batch.length);
      }
      return true;
    } catch {
      // Redis went away; these rows stay pending until it is back.
      return false;
    }
  }

  /** Team totals for [since, until), by person and by feature. */
  async totals(params: TeamUsageParams, teamId: string): Promise<TeamUsageResult> {
    const byPerson = new Map<string, TeamUsageTotal>();
    const byFeature = new Map<string, TeamUsageTotal>();
    const total = emptyTotal('team');
    const seen = new Set<string>();
    let oldestAt: number | null = null;
    // Rows can arrive late (after an outage), so their stream id may be later than their time;
    // read from `since` to the end and filter on the row's own time.
    let start = String(Math.max(0, params.since));
    const client = this.team.client;
    const first = await client.xrange(this.streamKey, '-', '+', 'COUNT', 1);
    if (first[0]) oldestAt = Number(first[0][0].split('-')[0]);
    for (;;) {
      const page = await client.xrange(this.streamKey, start, '+', 'COUNT', 1000);
      for (const [, fields] of page) {
        const row = parseRow(fields);
        if (!row || row.at < params.since || row.at >= params.until) continue;
        // A retried append after a lost reply must not count twice.
        const id = `${row.origin}|${row.requestId}`;
        if (seen.has(id)) continue;
        seen.add(id);
        add(total, row);
        add(getOr(byPerson, row.person), row);
        add(getOr(byFeature, row.feature), row);
      }
      if (page.length < 1000) break;
      start = `(${page[page.length - 1]![0]}`;
    }
    const sorted = (m: Map<string, TeamUsageTotal>) =>
      [...m.values()].sort((a, b) => b.costUsd - a.costUsd || a.name.localeCompare(b.name));
    return {
      teamId,
      since: params.since,
      until: params.until,
      total,
      byPerson: sorted(byPerson),
      byFeature: sorted(byFeature),
      oldestAt,
    };
  }
}

function emptyTotal(name: string): TeamUsageTotal {
  return { name, requests: 0, costUsd: 0, costSavedUsd: 0, inputTokens: 0, outputTokens: 0, errors: 0 };
}

function getOr(m: Map<string, TeamUsageTotal>, name: string): TeamUsageTotal {
  let t = m.get(name);
  if (!t) m.set(name, (t = emptyTotal(name)));
  return t;
}

function add(t: TeamUsageTotal, row: TeamUsageRow): void {
  t.requests++;
  t.costUsd = Math.round((t.costUsd + row.costUsd) * 1e9) / 1e9;
  t.costSavedUsd = Math.round((t.costSavedUsd + row.costSavedUsd) * 1e9) / 1e9;
  t.inputTokens += row.inputTokens;
  t.outputTokens += row.outputTokens;
  if (row.error) t.errors++;
}

function parseRow(fields: string[]): (TeamUsageRow & { origin: string }) | undefined {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  if (!f.requestId || !f.at) return undefined;
  const n = (k: string) => Number(f[k] ?? 0) || 0;
  return {
    origin: f.origin ?? '',
    requestId: f.requestId,
    at: n('at'),
    person: f.person ?? '?',
    feature: f.feature ?? '?',
    provider: f.provider ?? '',
    model: f.model ?? '',
    costUsd: n('costUsd'),
    costSavedUsd: n('costSavedUsd'),
    inputTokens: n('inputTokens'),
    outputTokens: n('outputTokens'),
    error: f.error ?? '',
    cache: f.cache ?? '',
  };
}
