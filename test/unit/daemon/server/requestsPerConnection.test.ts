import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../../../daemon/client/daemonClient';
import { ensurePrivateDir, homeLayout } from '../../../../daemon/home/conduitHome';
import { socketAddress } from '../../../../daemon/home/socketAddress';
import { readOrCreateToken } from '../../../../daemon/home/token';
import { DaemonServer } from '../../../../daemon/server/daemonServer';
import type { ChatRequest } from '../../../../protocol';

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** The real server and socket; the chat handler holds every request until its signal aborts. */
describe('chat requests in flight on one connection are bounded by count', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdrpc-'));
  let server: DaemonServer;
  let held = 0;

  beforeAll(async () => {
    const layout = homeLayout(home);
    ensurePrivateDir(home);
    const token = readOrCreateToken(layout.tokenFile);
    const address = socketAddress(layout.runDir, token);
    if (address.dir) ensurePrivateDir(address.dir);
    server = new DaemonServer({
      token,
      maxMessageBytes: 1024 * 1024,
      handshakeTimeoutMs: 3000,
      maxConnections: 4,
      maxRequestsPerConnection: 3,
      hello: () => ({ version: 'test', pid: process.pid, capabilities: [] }),
      chat: (_params, _client, signal) => {
        held++;
        return new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => {
            held--;
            reject(new Error('aborted'));
          }),
        );
      },
      status: () => ({}),
      stop: () => undefined,
      log: () => undefined,
      onIdleChange: () => undefined,
    });
    await new Promise<void>((resolve) => server.server.listen(address.path, resolve));
  });

  afterAll(async () => {
    await server.closeAll();
    await new Promise((r) => server.server.close(r));
    fs.rmSync(home, { recursive: true, force: true });
  });

  const ask: ChatRequest = { provider: 'openai', model: 'm', messages: [{ role: 'user', content: 'hi' }] };

  it('answers queue_full past the bound at once, and takes a request again once one is done', async () => {
    const client = await DaemonClient.connect({ client: 'cli', home, autoStart: false });
    const other = await DaemonClient.connect({ client: 'cli', home, autoStart: false });
    try {
      const stops = [new AbortController(), new AbortController(), new AbortController()];
      const first = stops.map((s) => client.chat(ask, { signal: s.signal }).catch((err: unknown) => err));
      await expect.poll(() => held, { timeout: 30_000 }).toBe(3);
      // Refused at once, or held as a fourth: whichever comes first says which.
      const fourthStop = new AbortController();
      const fourth = client.chat(ask, { signal: fourthStop.signal }).then(
        () => 'answered',
        (err: { code?: string }) => err.code,
      );
      expect(await Promise.race([fourth, until(() => held === 4).then(() => 'held')])).toBe('queue_full');
      // The bound is per connection: another client is not refused.
      const ac = new AbortController();
      const elsewhere = other.chat(ask, { signal: ac.signal }).catch((err: unknown) => err);
      await expect.poll(() => held, { timeout: 30_000 }).toBe(4);
      stops[0]!.abort();
      await first[0];
      await expect.poll(() => held, { timeout: 30_000 }).toBe(3);
      const again = new AbortController();
      const accepted = client.chat(ask, { signal: again.signal }).catch((err: unknown) => err);
      await expect.poll(() => held, { timeout: 30_000 }).toBe(4);
      for (const s of [...stops, ac, again, fourthStop]) s.abort();
      await Promise.all([...first, elsewhere, accepted]);
    } finally {
      client.close();
      other.close();
    }
  });
});
