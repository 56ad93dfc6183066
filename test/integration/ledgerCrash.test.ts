/**
 * Issue #6: the ledger survives the daemon itself being killed. Several DaemonClients keep
 * requests in flight against the real daemon (the fake provider answers at once, so the daemon
 * is recording rows all the time) while the test SIGKILLs the daemon at random moments; the
 * clients' autoStart brings a new one up each time. Afterwards usage.db must pass
 * integrity_check, every request a client saw answered must have exactly one row, and a request
 * cut off by a kill may have none or one (its row may have committed before the reply was lost),
 * never two.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatSendRequest, type ChatRequest } from '../../protocol';
import type { DaemonClient } from '../../daemon/client/daemonClient';
import { SqliteDb } from '../../daemon/usage/sqlite';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { DaemonHarness, isRunning, waitFor } from './harness';

const KILLS = 10;
const LANES = 3;
const IN_FLIGHT_PER_LANE = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ledger crash safety: SIGKILL of the real daemon while it records', () => {
  let fake: FakeProviderServer;
  let h: DaemonHarness;

  beforeAll(async () => {
    fake = await FakeProviderServer.start();
    fake.setDefault('openai', { text: 'ok', usage: { input: 10, output: 2 } });
    h = new DaemonHarness(fake.url);
    fs.writeFileSync(
      path.join(h.home, 'config.json'),
      JSON.stringify({
        rateLimit: { enabled: false },
        cache: { enabled: false },
        resilience: { maxAttempts: 1 },
      }),
    );
  });
  afterAll(async () => {
    await h.dispose();
    await fake.stop();
  });

  it(`${KILLS} kills with requests in flight: integrity ok, acknowledged requests exactly once, cut ones at most once`, async () => {
    const acked = new Set<string>();
    const cut = new Set<string>();
    let seq = 0;
    let stopping = false;
    const ask = (requestId: string): ChatRequest => ({
      messages: [{ role: 'user', content: `crash test ${requestId}` }],
      provider: 'openai',
      feature: 'crash-test',
    });

    const send = async (client: DaemonClient, lane: number): Promise<void> => {
      const requestId = `crash-${lane}-${seq++}`;
      try {
        // What DaemonClient.chat() sends, with an id the test chooses so that a request the kill
        // cut off can be looked up too.
        const r = await client.connection.sendRequest(ChatSendRequest.type, { requestId, request: ask(requestId) });
        if (r.requestId !== requestId || r.text !== 'ok') throw new Error(`unexpected answer for ${requestId}`);
        acked.add(requestId);
      } catch {
        cut.add(requestId);
      }
    };

    // DaemonClient.connect() waits for the daemon's hello reply with no limit; when the daemon is
    // killed after accepting the connection but before replying, that wait never ends (the
    // pending request is not rejected when the socket closes). Give up after a while and retry.
    let helloHangs = 0;
    const connectWithin = async (ms: number): Promise<DaemonClient | undefined> => {
      let timer: NodeJS.Timeout | undefined;
      const attempt = h.connect();
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), ms);
      });
      try {
        const r = await Promise.race([attempt, timeout]);
        if (r === 'timeout') {
          helloHangs++;
          void attempt.then(
            (c) => c.close(),
            () => undefined,
          );
          return undefined;
        }
        return r;
      } catch {
        return undefined;
      } finally {
        clearTimeout(timer);
      }
    };

    const lane = async (id: number): Promise<void> => {
      let client: DaemonClient | undefined;
      while (!stopping) {
        if (!client || client.closed) {
          client?.close();
          // autoStart: the first lane to notice a dead daemon starts the next one; a daemon
          // started twice at once exits as 'already-running'.
          client = await connectWithin(5000);
          if (!client) {
            await sleep(20);
            continue;
          }
        }
        const c = client;
        await Promise.all(Array.from({ length: IN_FLIGHT_PER_LANE }, () => send(c, id)));
      }
      client?.close();
    };

    const t0 = Date.now();
    const lanes = Array.from({ length: LANES }, (_, i) => lane(i));
    const pids = new Set<number>();
    for (let k = 0; k < KILLS; k++) {
      // Wait for a daemon that is answering, then kill it anywhere from at once to 250 ms in.
      const before = acked.size;
      await waitFor(() => acked.size >= before + 8, 20_000, 'requests to be answered');
      await sleep(Math.random() * 250);
      const pid = (await h.status()).pid;
      pids.add(pid);
      process.kill(pid, 'SIGKILL');
      await waitFor(() => !isRunning(pid), 5000, 'the daemon to die');
    }
    // A last stretch on a fresh daemon, then a clean stop.
    const before = acked.size;
    await waitFor(() => acked.size >= before + 20, 20_000, 'requests after the last kill');
    stopping = true;
    await Promise.all(lanes);
    const stop = await h.cli(['stop']);
    expect(stop.code, stop.stderr).toBe(0);
    await waitFor(() => !fs.existsSync(h.socketPath()), 10_000, 'the daemon to stop');
    const elapsed = Date.now() - t0;

    expect(pids.size).toBe(KILLS);
    expect(acked.size + cut.size).toBeGreaterThanOrEqual(200);
    expect(cut.size).toBeGreaterThan(0);

    const db = await SqliteDb.open(path.join(h.home, 'usage.db'));
    try {
      expect(await db.all('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      const counts = new Map(
        (
          await db.all<{ request_id: string; n: number }>(
            "SELECT request_id, COUNT(*) AS n FROM requests WHERE request_id LIKE 'crash-%' GROUP BY request_id",
          )
        ).map((r) => [r.request_id, r.n]),
      );
      const missing = [...acked].filter((id) => counts.get(id) !== 1);
      expect(missing).toEqual([]);
      const twice = [...cut].filter((id) => (counts.get(id) ?? 0) > 1);
      expect(twice).toEqual([]);
      // Nothing recorded that no client sent.
      expect([...counts.keys()].filter((id) => !acked.has(id) && !cut.has(id))).toEqual([]);
      const cutRecorded = [...cut].filter((id) => counts.get(id) === 1).length;
      console.log(
        `[ledger crash] ${KILLS} SIGKILLs in ${(elapsed / 1000).toFixed(1)} s: ${acked.size} requests acknowledged (each exactly one row), ${cut.size} cut off by a kill (${cutRecorded} with a row, ${cut.size - cutRecorded} without), integrity_check ok; ${helloHangs} connects hung on hello and were retried`,
      );
    } finally {
      await db.close();
    }
  });
});
