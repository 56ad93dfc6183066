import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../protocol';
import { cacheStats, TIMEOUT_SCALE, useDaemonAndFake, waitFor } from './harness';

/**
 * `conduit stop` frees the socket before the stopping daemon's last writes (a request finishing in
 * its grace period, its ledger row, the cache). A daemon started in that window must not read the
 * ledger or the cache before those writes land: budgets would forget the spend, and the cache the
 * answer.
 */
describe('a daemon started while the previous one is still stopping', () => {
  const env = useDaemonAndFake({
    // The grace period ends when the test releases the answer, not on a timer.
    env: { CONDUIT_SHUTDOWN_GRACE_MS: '600000' },
    config: { budgets: { dailyUsd: 100 } },
  });

  it('waits for its writes: the spend and the cached answer it finished during the stop are there', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    env.fake.enqueue('openai', {
      text: 'finished during the stop',
      usage: { input: 200_000, output: 100_000 },
      holdUntil: hold,
    });
    const first = await env.h.connect();
    const oldPid = (await env.h.status()).pid;
    const ask: ChatRequest = {
      messages: [{ role: 'user', content: 'the slow one' }],
      provider: 'openai',
      temperature: 0,
    };
    const answer = first.chat(ask);
    await env.fake.waitForRequests(1, 60_000);

    const stopping = env.h.cli(['stop'], { timeoutMs: 120_000 });
    await waitFor(() => env.h.logText().includes('daemon stopping'), 60_000, 'the old daemon to start stopping');
    // The socket is free again: this starts a second daemon, which must wait for the first.
    const second = env.h.connect();
    await waitFor(
      () => env.h.logText().includes('waiting for the previous daemon to finish stopping'),
      60_000,
      'the new daemon to wait',
    );
    release();
    const finished = await answer;
    first.close();
    expect(finished.text).toBe('finished during the stop');
    expect(finished.costUsd).toBeGreaterThan(0);
    expect((await stopping).code).toBe(0);

    const client = await second;
    try {
      const status = await client.status();
      expect(status.pid).not.toBe(oldPid);
      const day = status.budgets?.find((b) => b.scope === 'global' && b.period === 'day');
      expect(day?.spentUsd).toBeCloseTo(finished.costUsd ?? Number.NaN, 9);
      await waitFor(async () => (await cacheStats(env.h)).entries > 0, 60_000, 'the cache to load');
      const again = await client.chat(ask);
      expect(again.cache).toBe('exact');
      expect(again.text).toBe('finished during the stop');
    } finally {
      client.close();
    }
    expect(env.fake.requestsFor('openai')).toHaveLength(1);
  }, 180_000);
});

/**
 * The daemon answers a request finished in its grace period, then hangs up. A client whose event
 * loop is busy meanwhile (an extension host at work, a loaded machine) reads the answer and the end
 * together: the answer must still reach the caller, not "connection got disposed".
 */
describe('an answer the daemon sends just before it hangs up', () => {
  const env = useDaemonAndFake({ env: { CONDUIT_SHUTDOWN_GRACE_MS: '600000' } });

  it('reaches the caller when the client reads it together with the end', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    env.fake.enqueue('openai', { text: 'answered during the stop', holdUntil: hold });
    const client = await env.h.connect();
    // Streamed: the chunks come before the answer, so the answer is several frames into that read.
    const chunks: string[] = [];
    const answer = client.chat(
      { messages: [{ role: 'user', content: 'the slow one' }], provider: 'openai', stream: true },
      { onChunk: (c) => chunks.push(c.delta) },
    );
    const settled = answer.then(
      (r) => r,
      (err: unknown) => err,
    );
    await env.fake.waitForRequests(1, 60_000);
    const stopping = env.h.cli(['stop'], { timeoutMs: 120_000 });
    await waitFor(() => env.h.logText().includes('daemon stopping'), 60_000, 'the daemon to start stopping');
    release();
    // The fake writes its answer in the turn `release` starts; from the next one this process
    // reads nothing until the daemon has answered, hung up and stopped, so both wait in its socket.
    await new Promise((r) => setImmediate(r));
    busyUntil(() => env.h.logText().includes('daemon stopped'));
    const result = await settled;
    client.close();
    expect(result).toMatchObject({ text: 'answered during the stop' });
    expect(chunks.join('')).toBe('answered during the stop');
    expect((await stopping).code).toBe(0);
  }, 180_000);
});

/** Holds this process's event loop, as a busy client's is held, until `done` (or a minute, scaled). */
function busyUntil(done: () => boolean): void {
  const giveUpAt = Date.now() + 60_000 * TIMEOUT_SCALE;
  while (!done()) if (Date.now() > giveUpAt) throw new Error('the daemon did not stop while this client was busy');
}
