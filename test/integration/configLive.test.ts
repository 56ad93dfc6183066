import { describe, expect, it } from 'vitest';
import { ConfigUpdateRequest } from '../../protocol';
import { useDaemonAndFake, waitFor } from './harness';

/** The daemon's log lines for one request id. */
function linesFor(text: string, requestId: string): { msg: string; level: string }[] {
  return text
    .split('\n')
    .filter((l) => l.includes(requestId))
    .map((l) => JSON.parse(l) as { msg: string; level: string });
}

describe('settings pushed to a running daemon', () => {
  const env = useDaemonAndFake({ config: { rateLimit: { enabled: false } } });

  it('the log level applies at once, without a restart', async () => {
    const client = await env.h.connect();
    try {
      const pid = client.hello.pid;
      expect(await client.connection.sendRequest(ConfigUpdateRequest.type, { settings: { logLevel: 'warn' } })).toEqual(
        { applied: true, problems: [] },
      );
      const quiet = await client.chat({ messages: [{ role: 'user', content: 'quiet please' }] });
      // Back to the default: the next request's "request" line (info) is written again.
      await client.connection.sendRequest(ConfigUpdateRequest.type, { settings: {} });
      const loud = await client.chat({ messages: [{ role: 'user', content: 'loud again' }] });
      await waitFor(
        () => linesFor(env.h.logText(), loud.requestId).some((l) => l.msg === 'request'),
        5000,
        'the info line of the second request',
      );
      expect(linesFor(env.h.logText(), quiet.requestId).filter((l) => l.level === 'info')).toEqual([]);
      expect((await client.status()).pid).toBe(pid);
    } finally {
      client.close();
    }
  });

  it('says which new values wait for the next start, and applies the rest', async () => {
    const client = await env.h.connect();
    try {
      const r = await client.connection.sendRequest(ConfigUpdateRequest.type, {
        settings: { cache: { semantic: { embedder: 'local' }, ttlMs: 1000 }, budgets: { dailyUsd: 3 } },
      });
      expect(r).toEqual({ applied: true, problems: [], restartNeeded: ['cache.semantic.embedder'] });
      expect((await client.status()).budgets?.find((x) => x.scope === 'global' && x.period === 'day')?.limitUsd).toBe(
        3,
      );
      // Put back: nothing is pending any more.
      expect(await client.connection.sendRequest(ConfigUpdateRequest.type, { settings: {} })).toEqual({
        applied: true,
        problems: [],
      });
    } finally {
      client.close();
    }
  });

  it('a window whose settings disagree with another connected window is told where; the last push is in force', async () => {
    // The earlier tests' connections are gone (only this status call's own is counted).
    await waitFor(async () => (await env.h.status()).clients === 1, 5000, 'the earlier connections to close');
    const a = await env.h.connect();
    const b = await env.h.connect();
    try {
      expect(
        await a.connection.sendRequest(ConfigUpdateRequest.type, {
          settings: { budgets: { dailyUsd: 1 }, provider: 'openai' },
        }),
      ).toEqual({ applied: true, problems: [] });
      const second = await b.connection.sendRequest(ConfigUpdateRequest.type, {
        settings: { budgets: { dailyUsd: 2 }, provider: 'openai' },
      });
      expect(second).toEqual({ applied: true, problems: [], conflicts: ['budgets.dailyUsd'] });
      expect((await b.status()).budgets?.find((x) => x.scope === 'global' && x.period === 'day')?.limitUsd).toBe(2);
      // The same settings from both: no conflict.
      expect(
        (
          await a.connection.sendRequest(ConfigUpdateRequest.type, {
            settings: { budgets: { dailyUsd: 2 }, provider: 'openai' },
          })
        ).conflicts,
      ).toBeUndefined();
      // A window that is gone no longer counts.
      a.close();
      await waitFor(async () => (await b.status()).clients === 1, 5000, 'the first window to disconnect');
      await b.connection.sendRequest(ConfigUpdateRequest.type, { settings: { budgets: { dailyUsd: 9 } } });
      expect(
        (await b.connection.sendRequest(ConfigUpdateRequest.type, { settings: { budgets: { dailyUsd: 4 } } }))
          .conflicts,
      ).toBeUndefined();
    } finally {
      a.close();
      b.close();
    }
  });
});
