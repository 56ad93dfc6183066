import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NotificationType } from 'vscode-jsonrpc/node';
import { afterEach, describe, expect, it } from 'vitest';
import { ensurePrivateDir, homeLayout } from '../../../../daemon/home/conduitHome';
import { socketAddress } from '../../../../daemon/home/socketAddress';
import { readOrCreateToken } from '../../../../daemon/home/token';
import { DaemonServer, type DaemonServerOptions } from '../../../../daemon/server/daemonServer';
import { READ_PAUSE_BYTES } from '../../../../daemon/server/replyPressure';
import { FramedSocket } from './framedSocket';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

/** The real server on a real socket in a private home; `chat` is the only stand-in. */
async function startServer(
  extra: Partial<DaemonServerOptions> = {},
): Promise<{ server: DaemonServer; client: FramedSocket }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdrp-'));
  const layout = homeLayout(home);
  ensurePrivateDir(home);
  const token = readOrCreateToken(layout.tokenFile);
  const address = socketAddress(layout.runDir, token);
  if (address.dir) ensurePrivateDir(address.dir);
  const server = new DaemonServer({
    token,
    maxMessageBytes: 1024 * 1024,
    handshakeTimeoutMs: 30_000,
    maxConnections: 4,
    hello: () => ({ version: 'test', pid: process.pid, capabilities: [] }),
    chat: () => Promise.resolve({ text: 'ok' }),
    status: () => ({}),
    stop: () => undefined,
    log: () => undefined,
    onIdleChange: () => undefined,
    ...extra,
  });
  await new Promise<void>((resolve) => server.server.listen(address.path, resolve));
  const client = await FramedSocket.open(address.path);
  cleanup.push(async () => {
    client.destroy();
    await server.closeAll();
    await new Promise((r) => server.server.close(r));
    fs.rmSync(home, { recursive: true, force: true });
  });
  await client.hello(token, 'cli');
  return { server, client };
}

describe('a client that does not read its replies', () => {
  it('stops being read once its unsent replies pass the mark, and gets every reply, in order, once it reads', async () => {
    const { server, client } = await startServer();
    // Each reply is about 64 kB: 200 of them are three times the mark, far past what the OS holds.
    const payload = 'x'.repeat(64 * 1024);
    const ids = Array.from({ length: 200 }, (_, i) => i + 2);
    client.socket.pause();
    client.sendAll(ids.map((id) => ({ jsonrpc: '2.0', id, method: 'daemon/ping', params: { payload } })));
    const replyBytes = Buffer.byteLength(JSON.stringify({ jsonrpc: '2.0', id: 201, result: { payload } })) + 32;
    const bound = READ_PAUSE_BYTES + replyBytes;
    // Either reading stopped, or the buffer went past the bound (with the pause gone, the test
    // fails here, not by its timeout).
    await expect
      .poll(() => server.backpressure.readingPaused === 1 || server.backpressure.peakUnsentBytes > bound, {
        timeout: 60_000,
      })
      .toBe(true);
    expect(server.backpressure.peakUnsentBytes).toBeLessThanOrEqual(bound);

    client.socket.resume();
    await client.until((frames) => frames.filter((f) => f.id !== undefined && f.id > 1).length === ids.length);
    const replies = client.frames.filter((f) => f.id !== undefined && f.id > 1);
    expect(replies.map((f) => f.id)).toEqual(ids);
    for (const r of replies) expect((r.result as { payload: string }).payload).toBe(payload);
    // Over the whole run, the daemon never held more than the mark and one reply.
    expect(server.backpressure.peakUnsentBytes).toBeLessThanOrEqual(bound);
    expect(server.backpressure.readPauses).toBeGreaterThan(0);
    expect(server.backpressure.readingPaused).toBe(0);
  });

  it('has at most the allowed requests unanswered: the rest wait in the OS, and are read as replies go out', async () => {
    const waiting: Array<() => void> = [];
    let answerAtOnce = false;
    const { server, client } = await startServer({
      pressureLimits: { maxUnanswered: 4 },
      chat: () =>
        new Promise((resolve) => {
          if (answerAtOnce) resolve({ text: 'ok' });
          else waiting.push(() => resolve({ text: 'ok' }));
        }),
    });
    const ids = Array.from({ length: 10 }, (_, i) => i + 2);
    const ask = { provider: 'openai', model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    // In one write, so the daemon parses them all from one read.
    client.sendAll(
      ids.map((id) => ({ jsonrpc: '2.0', id, method: 'chat/send', params: { requestId: `r${id}`, request: ask } })),
    );
    await expect
      .poll(() => (server.backpressure.readingPaused === 1 && waiting.length === 4) || waiting.length > 4, {
        timeout: 60_000,
      })
      .toBe(true);
    expect(waiting.length).toBe(4);

    answerAtOnce = true;
    for (const answer of waiting.splice(0)) answer();
    await client.until((frames) => frames.filter((f) => f.id !== undefined && f.id > 1).length === ids.length);
    const replies = client.frames.filter((f) => f.id !== undefined && f.id > 1);
    expect(replies.map((f) => f.id)).toEqual(ids);
    expect(replies.every((f) => (f.result as { text?: string } | undefined)?.text === 'ok')).toBe(true);
    expect(server.backpressure.readingPaused).toBe(0);
  });

  it("is closed, with the reason logged, once the daemon's own notifications to it pass the ceiling", async () => {
    const logged: string[] = [];
    const ceiling = 2 * 1024 * 1024;
    const { server, client } = await startServer({
      pressureLimits: { readPauseBytes: 1024 * 1024, maxUnsentBytes: ceiling },
      log: (_level, msg, fields) => logged.push(`${msg}: ${String(fields?.reason)}`),
    });
    client.socket.pause();
    const closed = new Promise<void>((resolve) => client.socket.once('close', () => resolve()));
    // Notifications are paced by no request of the client's: only the ceiling stops them.
    const big = new NotificationType<{ payload: string }>('test/big');
    const payload = 'y'.repeat(64 * 1024);
    for (let i = 0; i < 96; i++) server.broadcast(big, { payload });
    const frameBytes =
      Buffer.byteLength(JSON.stringify({ jsonrpc: '2.0', method: 'test/big', params: { payload } })) + 32;
    expect(logged.filter((l) => l.startsWith('dropping connection'))).toEqual([
      expect.stringMatching(/^dropping connection: client not reading its replies: \d+ bytes unsent$/),
    ]);
    expect(server.backpressure.peakUnsentBytes).toBeLessThanOrEqual(ceiling + frameBytes);
    client.socket.resume();
    await closed;
  });
});
