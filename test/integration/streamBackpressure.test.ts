import { describe, expect, it } from 'vitest';
import { homeLayout } from '../../daemon/home/conduitHome';
import { readOrCreateToken } from '../../daemon/home/token';
import { chunkBodies } from '../../daemon/server/chunkFrame';
import { STREAM_WAIT_BYTES } from '../../daemon/server/replyPressure';
import type { StatusResult } from '../../protocol';
import { FramedSocket } from '../unit/daemon/server/framedSocket';
import { ONE_PROVIDER, useDaemonAndFake } from './harness';

type Backpressure = NonNullable<StatusResult['backpressure']>;

describe.skipIf(process.platform === 'win32')('a stream whose client does not read', () => {
  const env = useDaemonAndFake({ env: ONE_PROVIDER });

  it('stops pulling from the upstream, and the client gets every chunk, in order, once it reads', async () => {
    // 40,000 chunks of about 100 bytes framed: four times the mark, far past what the OS holds.
    const deltas = Array.from({ length: 40_000 }, (_, i) => `${String(i).padStart(7, '0')} `);
    env.fake.enqueue('openai', { deltas });
    const good = await env.h.connect();
    const pressure = async (): Promise<Backpressure> => (await good.status()).backpressure!;
    const client = await FramedSocket.open(env.h.socketPath());
    try {
      await client.hello(readOrCreateToken(homeLayout(env.h.home).tokenFile), 'other');
      client.socket.pause();
      const requestId = 'unread-stream';
      client.send({
        jsonrpc: '2.0',
        id: 2,
        method: 'chat/send',
        params: {
          requestId,
          request: { provider: 'openai', stream: true, messages: [{ role: 'user', content: 'a long answer' }] },
        },
      });
      const lastFrame = chunkBodies(requestId)(deltas.at(-1)!, deltas.length - 1);
      const bound = STREAM_WAIT_BYTES + Buffer.byteLength(lastFrame) + 32;
      // The stream waited, or the buffer went past the bound (with the wait gone, the test fails
      // here on the figure, not by its timeout).
      await expect
        .poll(
          async () => {
            const p = await pressure();
            return p.streamWaits > 0 || p.peakUnsentBytes > bound;
          },
          { timeout: 60_000, interval: 50 },
        )
        .toBe(true);
      expect((await pressure()).peakUnsentBytes).toBeLessThanOrEqual(bound);

      client.socket.resume();
      await client.until((frames) => frames.some((f) => f.id === 2));
      const reply = client.frames.find((f) => f.id === 2)!;
      expect(reply.error).toBeUndefined();
      const chunks = client.frames.filter((f) => f.method === 'chat/chunk');
      expect(chunks.map((c) => c.params!.seq)).toEqual(deltas.map((_, i) => i));
      expect(chunks.map((c) => c.params!.delta)).toEqual(deltas);
      expect((reply.result as { text: string }).text).toBe(deltas.join(''));
      // Over the whole stream, the daemon never held more than the mark, one chunk and the reply
      // (which carries the whole text).
      const after = await pressure();
      expect(after.peakUnsentBytes).toBeLessThanOrEqual(bound + reply.bytes);
      expect(after.readingPaused).toBe(0);
    } finally {
      client.destroy();
      good.close();
    }
  });

  it("still reads the client's cancel while its stream waits", async () => {
    const deltas = Array.from({ length: 80_000 }, (_, i) => `${String(i).padStart(7, '0')} `);
    env.fake.enqueue('openai', { deltas });
    const good = await env.h.connect();
    const pressure = async (): Promise<Backpressure> => (await good.status()).backpressure!;
    const waitsBefore = (await pressure()).streamWaits;
    const client = await FramedSocket.open(env.h.socketPath());
    try {
      await client.hello(readOrCreateToken(homeLayout(env.h.home).tokenFile), 'other');
      client.socket.pause();
      client.send({
        jsonrpc: '2.0',
        id: 2,
        method: 'chat/send',
        params: {
          requestId: 'cancelled-unread',
          request: { provider: 'openai', stream: true, messages: [{ role: 'user', content: 'another long answer' }] },
        },
      });
      await expect
        .poll(async () => (await pressure()).streamWaits, { timeout: 60_000, interval: 50 })
        .toBeGreaterThan(waitsBefore);
      // The stream waits below the read mark, so the connection is still read: the cancel arrives
      // while the client has read nothing.
      client.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 2 } });
      // The request ends while the client has still read nothing (with reading stopped, the
      // cancel would wait in the OS, and this poll would give up).
      await expect.poll(async () => (await good.status()).inFlight, { timeout: 60_000, interval: 50 }).toBe(0);
      expect((await pressure()).readingPaused).toBe(0);
      client.socket.resume();
      await client.until((frames) => frames.some((f) => f.id === 2));
      const error = client.frames.find((f) => f.id === 2)!.error as { data?: { code?: string } };
      expect(error.data?.code).toBe('cancelled');
    } finally {
      client.destroy();
      good.close();
    }
  });
});
