import { describe, expect, it } from 'vitest';
import type { DaemonClient } from '../../../daemon/client/daemonClient';
import {
  daemonFilters,
  fetchSnapshot,
  fitRangeRead,
  fittingRange,
  rangeOf,
  recentRows,
} from '../../../extension/panelData';
import type {
  UsageExportParams,
  UsageExportResult,
  UsageQueryParams,
  UsageQueryResult,
  UsageRow,
} from '../../../protocol';
import { seededRows } from '../../webview/seededLedger';

/** A daemon that answers `usage/export` from rows, oldest first, `pageSize` at a time. */
function exportingDaemon(rows: UsageRow[], pageSize: number): { client: DaemonClient; calls: UsageExportParams[] } {
  const calls: UsageExportParams[] = [];
  const connection = {
    sendRequest: async (_type: unknown, p: UsageExportParams): Promise<UsageExportResult> => {
      calls.push(p);
      const inRange = rows
        .map((r, id) => ({ r, id: id + 1 }))
        .filter(({ r, id }) => r.startedAt >= p.since && r.startedAt < (p.until ?? Infinity) && id > (p.after ?? 0));
      const page = inRange.slice(0, pageSize);
      return { rows: page.map((x) => x.r), next: inRange.length > pageSize ? page.at(-1)!.id : null };
    },
  };
  return { client: { connection } as unknown as DaemonClient, calls };
}

describe("the panel's data from the daemon", () => {
  const rows = seededRows();
  const until = rows.at(-1)!.startedAt + 1;
  const since = rows[0]!.startedAt;

  it("finds the newest rows, newest first, widening the window from the range's end", async () => {
    const { client, calls } = exportingDaemon(rows, 7);
    const recent = await recentRows(client, since, until, {}, 10);
    expect(recent.map((r) => r.requestId)).toEqual(
      rows
        .slice(-10)
        .reverse()
        .map((r) => r.requestId),
    );
    expect(calls[0]!.since).toBe(until - 15 * 60_000);
    expect(calls.every((c) => c.includeSamples === true)).toBe(true);
  });

  it('returns what there is when the range holds fewer rows than asked', async () => {
    const { client } = exportingDaemon(rows.slice(0, 3), 2);
    expect((await recentRows(client, since, until, {}, 10)).map((r) => r.requestId)).toEqual(
      rows
        .slice(0, 3)
        .reverse()
        .map((r) => r.requestId),
    );
  });

  it('passes only filters the daemon accepts', () => {
    expect(daemonFilters({ range: '7d', provider: 'openai', model: 'gpt-5.4-mini', feature: 'ask' })).toEqual({
      provider: 'openai',
      model: 'gpt-5.4-mini',
      feature: 'ask',
    });
    expect(daemonFilters({ range: '7d', provider: '(none)' })).toEqual({});
  });

  it('fits the first range to the data: today by the hour for a new user, else the smallest that holds it', () => {
    const today = '2026-03-14';
    expect(fittingRange([], today)).toBe('today');
    expect(fittingRange([today], today)).toBe('today');
    expect(fittingRange(['2026-03-13', today], today)).toBe('7d');
    expect(fittingRange(['2026-03-08', today], today)).toBe('7d');
    expect(fittingRange(['2026-03-07'], today)).toBe('30d');
    expect(fittingRange(['2026-02-13', '2026-03-01'], today)).toBe('30d');
    expect(fittingRange(['2026-02-12'], today)).toBe('90d');
  });

  it("today's range starts at midnight at the client's offset", () => {
    const now = Date.UTC(2026, 2, 14, 15, 0, 0);
    expect(rangeOf({ range: 'today' }, now, 0)).toEqual({ since: Date.UTC(2026, 2, 14), until: now + 1 });
    // 15:00 UTC is 20:30 at +05:30; that day began at 18:30 UTC the day before.
    expect(rangeOf({ range: 'today' }, now, 330).since).toBe(Date.UTC(2026, 2, 13, 18, 30));
    // …and 01:00 the next day at +10:00.
    expect(rangeOf({ range: 'today' }, now, 600).since).toBe(Date.UTC(2026, 2, 14, 14, 0));
    expect(rangeOf({ range: '7d' }, now, 0)).toEqual({ since: now - 7 * 86_400_000, until: now + 1 });
  });

  it('a fitted "Last 90 days" takes the fit\'s own query as its daily figures: asked once, not twice', async () => {
    const now = Date.UTC(2026, 2, 14, 15, 0);
    const queries: UsageQueryParams[] = [];
    const connection = {
      sendRequest: async (type: { method: string }, p: UsageQueryParams) => {
        if (type.method === 'usage/query') {
          queries.push(p);
          // One request 60 days back: the fit is 90 days.
          const group = { key: new Date(now - 60 * 86_400_000).toISOString().slice(0, 10), requests: 1 };
          return { since: p.since, until: p.until, groupBy: p.groupBy, groups: [group] } as unknown as UsageQueryResult;
        }
        if (type.method === 'usage/breakdown') return { since: 0, until: 0, cells: [] };
        if (type.method === 'usage/export') return { rows: [], next: null };
        throw new Error(`${type.method}: not in this daemon`);
      },
    };
    const client = { connection } as unknown as DaemonClient;
    const fit = await fitRangeRead(client, now);
    expect(fit.range).toBe('90d');
    expect(queries).toHaveLength(1);
    const snapshot = await fetchSnapshot(client, { range: fit.range }, undefined, now, undefined, fit.days);
    expect(snapshot.daily).toBe(fit.days);
    // Only the month's query was asked: the range's own was the fit's.
    expect(queries.slice(1).map((q) => q.since)).toEqual([Date.UTC(2026, 2, 1)]);
    // Filtered, or read at another moment, it is asked for as usual.
    await fetchSnapshot(client, { range: '90d', provider: 'openai' }, undefined, now, undefined, fit.days);
    await fetchSnapshot(client, { range: '90d' }, undefined, now + 1, undefined, fit.days);
    expect(queries.slice(2).filter((q) => q.since !== Date.UTC(2026, 2, 1))).toHaveLength(2);
  });

  it("asks for nothing else until the cards' two questions are answered: the daemon's SQLite thread runs one statement at a time", async () => {
    const now = Date.UTC(2026, 2, 14, 15, 0);
    const asked: string[] = [];
    const held: (() => void)[] = [];
    const connection = {
      sendRequest: (type: { method: string }, p: UsageQueryParams) => {
        asked.push(type.method);
        if (type.method === 'usage/query') {
          const answer = {
            since: p.since,
            until: p.until,
            groupBy: p.groupBy,
            groups: [],
          } as unknown as UsageQueryResult;
          // Held until the test lets them go, so anything sent meanwhile is seen.
          return new Promise((resolve) => held.push(() => resolve(answer)));
        }
        if (type.method === 'usage/breakdown') return Promise.resolve({ since: 0, until: 0, cells: [] });
        if (type.method === 'usage/export') return Promise.resolve({ rows: [], next: null });
        return Promise.reject(new Error(`${type.method}: not in this daemon`));
      },
    };
    let painted = 0;
    const snapshot = fetchSnapshot({ connection } as unknown as DaemonClient, { range: '90d' }, undefined, now, () => {
      painted = asked.length;
    });
    await new Promise((r) => setImmediate(r));
    expect(asked).toEqual(['usage/query', 'usage/query']);
    held.shift()!();
    await new Promise((r) => setImmediate(r));
    expect(asked).toEqual(['usage/query', 'usage/query']);
    held.shift()!();
    await snapshot;
    // The cards' part went out before the rest was asked for; then the rest, all of it.
    expect(painted).toBe(2);
    expect(new Set(asked.slice(2))).toEqual(
      new Set(['experiments/results', 'team/usage', 'usage/breakdown', 'usage/export']),
    );
  });
});
