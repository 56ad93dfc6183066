import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageQueryRequest } from '../../protocol/usage';
import { SqliteDb } from '../../daemon/usage/sqlite';
import { ONE_PROVIDER, useDaemonAndFake, waitFor } from './harness';

const ASLEEP = 'idle trim: the SQLite thread is asleep';
const count = (text: string, line: string): number => text.split(line).length - 1;

/**
 * The idle trim on the real daemon, with a quiet spell of 50 ms so it runs between requests: a
 * request after the SQLite thread went to sleep is answered, recorded and queryable as before,
 * and every row is in usage.db after the daemon stops. Each step waits on the daemon's log line.
 */
describe('idle trim', () => {
  const ctx = useDaemonAndFake({ env: { ...ONE_PROVIDER, CONDUIT_IDLE_TRIM_MS: '50' } });

  it('answers, records and reports requests that arrive after the SQLite thread went to sleep', async () => {
    const { h, fake } = ctx;
    fake.setDefault('openai', { text: 'trimmed' });
    // One connection all along, as the extension keeps: idle here means no request, not no client.
    const client = await h.connect();
    try {
      const ask = (n: number) =>
        client.chat({ provider: 'openai', model: 'gpt-4o-mini', messages: [{ role: 'user', content: `q${n}` }] });
      expect((await ask(1)).text).toBe('trimmed');
      await waitFor(() => count(h.logText(), ASLEEP) >= 1, 60_000, 'the SQLite thread to sleep');
      await waitFor(() => h.logText().includes('idle trim: memory'), 60_000, 'the trim of the main isolate');
      // The line says where the resident memory is: V8's spaces (old space always holds the code's objects).
      const trimLine = h
        .logText()
        .split('\n')
        .find((l) => l.includes('idle trim: memory'))!;
      const trimmed = JSON.parse(trimLine) as { spacesMb: Record<string, number>; compacted: boolean };
      expect(trimmed.spacesMb.old_space).toBeGreaterThan(0);
      // Its GC compacted the old space (compactingGc.ts): the runtime took the V8 flag.
      expect(trimmed.compacted).toBe(true);
      const slept = count(h.logText(), ASLEEP);

      expect((await ask(2)).text).toBe('trimmed');
      await waitFor(
        async () => {
          const r = await client.connection.sendRequest(UsageQueryRequest.type, { since: 0 });
          return r.total.requests === 2;
        },
        60_000,
        'both requests in usage/query',
      );
      // Asleep again after the query, and the query after that wakes it once more.
      await waitFor(() => count(h.logText(), ASLEEP) > slept, 60_000, 'the SQLite thread to sleep again');
      const r = await client.connection.sendRequest(UsageQueryRequest.type, { since: 0 });
      expect(r.total.requests).toBe(2);
      expect(r.ledger.state).toBe('ok');
      expect(fake.requestsFor('openai')).toHaveLength(2);
    } finally {
      client.close();
    }
    const stop = await h.cli(['stop']);
    expect(stop.code, stop.stderr).toBe(0);
    await waitFor(() => !fs.existsSync(h.socketPath()), 60_000, 'the daemon to stop');
    const db = await SqliteDb.open(path.join(h.home, 'usage.db'));
    try {
      expect(await db.all('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      expect(await db.get('SELECT COUNT(*) AS n FROM requests')).toEqual({ n: 2 });
    } finally {
      await db.close();
    }
  });
});
