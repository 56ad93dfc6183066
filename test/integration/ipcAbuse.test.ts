import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../protocol';
import type { DaemonClient } from '../../daemon/client/daemonClient';
import { DaemonHarness, waitFor } from './harness';
import { RawSocket } from './rawSocket';

const DEADLINE_DROP = 'no handshake before the deadline';

describe.skipIf(process.platform === 'win32')(
  'the daemon keeps serving a well-behaved client through abuse of its socket',
  () => {
    let h: DaemonHarness;
    let good: DaemonClient;

    beforeAll(async () => {
      // Nothing listens at this address; these tests never reach a provider.
      h = new DaemonHarness('http://127.0.0.1:9', { CONDUIT_HANDSHAKE_TIMEOUT_MS: '1500' });
      const r = await h.cli(['daemon']);
      expect(r.code, r.stderr).toBe(0);
      good = await h.connect(false);
    });
    afterAll(async () => {
      good.close();
      await h.dispose();
    });

    /** The well-behaved client is answered (a starved daemon fails the test by its timeout, not a clock). */
    async function served(): Promise<void> {
      expect((await good.status()).pid).toBeGreaterThan(0);
    }

    /**
     * The reasons the daemon logged for the next `count` connections it dropped after `mark` (a
     * length of its log): what closed a connection, read from the daemon rather than timed.
     */
    async function dropReasons(mark: number, count: number): Promise<string[]> {
      const reasons = () =>
        h
          .logText()
          .slice(mark)
          .split('\n')
          .flatMap((line) => {
            if (!line.includes('dropping connection')) return [];
            try {
              return [(JSON.parse(line) as { reason: string }).reason];
            } catch {
              return []; // a line still being written: read again on the next poll
            }
          });
      await waitFor(() => reasons().length >= count, 60_000, `${count} dropped connections in the daemon's log`);
      return reasons();
    }

    it('closes a connection that sends no token, or a wrong one', async () => {
      const mark = h.logText().length;
      const noToken = await RawSocket.open(h.socketPath());
      noToken.send({
        jsonrpc: '2.0',
        id: 1,
        method: 'daemon/hello',
        params: { protocolVersion: PROTOCOL_VERSION, client: 'other', clientVersion: 'x' },
      });
      const wrong = await RawSocket.open(h.socketPath());
      wrong.send({
        jsonrpc: '2.0',
        id: 1,
        method: 'daemon/hello',
        params: { protocolVersion: PROTOCOL_VERSION, token: 'a'.repeat(64), client: 'other', clientVersion: 'x' },
      });
      await Promise.all([noToken.closed, wrong.closed]);
      // Closed for the token, not left to the handshake deadline.
      expect(await dropReasons(mark, 2)).toEqual(['bad token', 'bad token']);
      expect(noToken.received).toMatch(/"code":-32002/);
      expect(wrong.received).toMatch(/"code":-32002/);
      // Nothing but the refusal came back.
      expect(wrong.received).not.toMatch(/"pid"|keys|providers/);
      await served();
    });

    it('closes a 2 GB length prefix and garbage frames at once, without buffering them', async () => {
      const before = (await good.status()).memory.rss;
      const mark = h.logText().length;
      const huge = await RawSocket.open(h.socketPath());
      huge.write('Content-Length: 2147483648\r\n\r\n');
      huge.write(Buffer.alloc(64 * 1024, 0x7b));
      const garbage = await RawSocket.open(h.socketPath());
      garbage.write(Buffer.alloc(16 * 1024, 0x00));
      const badHeader = await RawSocket.open(h.socketPath());
      badHeader.write('Content-Length: -5\r\n\r\n');
      const notJson = await RawSocket.open(h.socketPath());
      notJson.write('Content-Length: 9\r\n\r\n{"a":,,,}');
      await Promise.all([huge, garbage, badHeader, notJson].map((s) => s.closed));
      // Each closed for what it sent, at once, not left to the handshake deadline.
      const reasons = await dropReasons(mark, 4);
      expect(reasons).toHaveLength(4);
      expect(reasons.filter((r) => r === DEADLINE_DROP)).toEqual([]);
      await served();
      expect((await good.status()).memory.rss - before).toBeLessThan(256 * 1024 * 1024);
    });

    it('refuses a frame over a few KB before the handshake from its header alone, body never sent', async () => {
      const logBefore = h.logText().length;
      const big = await RawSocket.open(h.socketPath());
      // Only the header goes out: the daemon can close this connection only by judging the header.
      big.write('Content-Length: 1048576\r\n\r\n');
      await big.closed;
      await waitFor(
        () =>
          h.logText().length > logBefore &&
          /exceeds the 8192-byte limit before the handshake/.test(h.logText().slice(logBefore)),
        10_000,
        'the drop logged',
      );
      await served();
    });

    it('holds 500 idle connections and a slowloris client while serving, then drops them at the deadline', async () => {
      const mark = h.logText().length;
      const idle: net.Socket[] = [];
      const closed: Promise<void>[] = [];
      for (let i = 0; i < 500; i++) {
        const s = net.connect(h.socketPath());
        s.on('error', () => undefined);
        closed.push(new Promise((r) => s.on('close', () => r())));
        idle.push(s);
      }
      await Promise.all(
        idle.map((s) => new Promise<void>((r) => (s.readyState === 'open' ? r() : s.once('connect', () => r())))),
      );

      // Slowloris: a valid-looking frame, one byte every 50 ms.
      const slow = await RawSocket.open(h.socketPath());
      const frame = 'Content-Length: 80\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"daemon/status","params":{}}';
      let i = 0;
      const drip = setInterval(() => {
        if (i < frame.length) slow.write(frame[i++]!);
      }, 50);

      for (let n = 0; n < 5; n++) await served();
      // The cap of 1024 is not reached, and the honest client is one of those counted.
      expect((await good.status()).clients).toBeGreaterThanOrEqual(1);

      // Nobody that failed to authenticate outlives the handshake deadline: the daemon drops each
      // of the 501 for it (its own timer, read from its log), and the honest client stays.
      await slow.closed;
      clearInterval(drip);
      await Promise.all(closed);
      const reasons = await dropReasons(mark, 501);
      expect(reasons).toHaveLength(501);
      expect(new Set(reasons)).toEqual(new Set([DEADLINE_DROP]));
      await served();
    });

    it('survives a burst of clients that connect and vanish mid-frame', async () => {
      const token = fs.readFileSync(path.join(h.home, 'token'), 'utf8').trim();
      for (let n = 0; n < 50; n++) {
        const s = await RawSocket.open(h.socketPath());
        s.write(
          `Content-Length: 500\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"daemon/hello","params":{"token":"${token}"`,
        );
        s.destroy();
      }
      await served();
    });
  },
);
