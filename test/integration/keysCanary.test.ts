import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../protocol';
import { secretService } from '../unit/daemon/secrets/secretServiceGate';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { DaemonHarness, waitFor } from './harness';
import { RawSocket } from './rawSocket';

const CANARY = 'sk-ant-api03-KEYCHAIN-CANARY-FAKE-do-not-leak-0000000000';

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

describe.skipIf(!secretService.run)(
  `a canary key set through the keychain is found nowhere else${secretService.reason ? ` ${secretService.reason}` : ''}`,
  () => {
    let fake: FakeProviderServer;
    let h: DaemonHarness;

    beforeAll(async () => {
      fake = await FakeProviderServer.start();
      h = new DaemonHarness(fake.url);
      // Only the keychain holds an Anthropic key.
      delete h.env.ANTHROPIC_API_KEY;
      fs.writeFileSync(
        path.join(h.home, 'config.json'),
        JSON.stringify({ logLevel: 'debug', resilience: { baseDelayMs: 10, maxDelayMs: 20 } }),
      );
    });
    afterAll(async () => {
      await h.cli(['key', 'remove', 'anthropic']).catch(() => undefined);
      await h.dispose();
      await fake.stop();
    });

    it('through set, use, 401, retries, streams, the queue, logs, the ledger, errors, status and the IPC stream', async () => {
      const outputs: string[] = [];
      const run = async (args: string[], input?: string) => {
        const r = await h.cli(args, input === undefined ? {} : { input });
        outputs.push(r.stdout, r.stderr);
        return r;
      };
      const set = await run(['key', 'set', 'anthropic'], `${CANARY}\n`);
      expect(set.code, set.stderr).toBe(0);

      fake.enqueue('anthropic', { text: 'fine' });
      expect((await run(['ask', '--provider', 'anthropic', '--json', 'hello'])).code).toBe(0);
      // Providers echo the key they were given in their 401 message.
      fake.enqueue('anthropic', { status: 401, error: { message: `invalid x-api-key: ${CANARY}` } });
      expect((await run(['ask', '--provider', 'anthropic', 'hello'])).code).toBe(1);
      fake.enqueue(
        'anthropic',
        { status: 429, headers: { 'retry-after': '0' }, error: { message: `rate limited for key ${CANARY}` } },
        { text: 'after retry' },
      );
      expect((await run(['ask', '--provider', 'anthropic', '--json', 'again'])).code).toBe(0);
      fake.enqueue('anthropic', {
        deltas: ['a', 'b'],
        fault: { kind: 'sseError', afterDeltas: 1, error: { message: `stream broke for ${CANARY}` } },
      });
      await run(['ask', '--provider', 'anthropic', 'stream']);

      // The IPC trace: every byte the daemon sends a client, for chat (streamed and failing),
      // status, keys, alerts and usage.
      const token = fs.readFileSync(path.join(h.home, 'token'), 'utf8').trim();
      const raw = await RawSocket.open(h.socketPath());
      raw.send({
        jsonrpc: '2.0',
        id: 1,
        method: 'daemon/hello',
        params: { protocolVersion: PROTOCOL_VERSION, token, client: 'other', clientVersion: 'trace' },
      });
      fake.enqueue('anthropic', { deltas: ['x', 'y', 'z'] }, { status: 401, error: { message: `bad key ${CANARY}` } });
      raw.send({
        jsonrpc: '2.0',
        id: 2,
        method: 'chat/send',
        params: {
          requestId: 't1',
          request: { messages: [{ role: 'user', content: 'trace' }], provider: 'anthropic', stream: true },
        },
      });
      raw.send({
        jsonrpc: '2.0',
        id: 3,
        method: 'chat/send',
        params: {
          requestId: 't2',
          request: { messages: [{ role: 'user', content: 'trace 401' }], provider: 'anthropic' },
        },
      });
      raw.send({ jsonrpc: '2.0', id: 4, method: 'daemon/status', params: {} });
      raw.send({ jsonrpc: '2.0', id: 5, method: 'keys/list', params: {} });
      raw.send({ jsonrpc: '2.0', id: 6, method: 'alerts/list', params: {} });
      raw.send({ jsonrpc: '2.0', id: 7, method: 'usage/query', params: {} });
      await waitFor(
        () => ['"id":2', '"id":3', '"id":4', '"id":5', '"id":6', '"id":7'].every((id) => raw.received.includes(id)),
        10_000,
        'the traced replies',
      );
      expect(raw.received).toMatch(/"last4":"0000"/);
      outputs.push(raw.received);
      raw.destroy();

      fake.setDefault('anthropic', { status: 503, error: { message: `down (key ${CANARY})` } });
      await run(['ask', '--provider', 'anthropic', '--background', 'later']);
      outputs.push((await run(['status', '--json'])).stdout);
      outputs.push((await run(['key', 'list', '--json'])).stdout);
      outputs.push((await run(['usage', '--json'])).stdout);
      outputs.push((await run(['usage', 'export', '--json', '-'])).stdout);
      outputs.push((await run(['jobs', '--json'])).stdout);
      outputs.push((await run(['logs', '--lines', '500'])).stdout);

      // It was really used, and only from the keychain.
      expect(fake.requestsFor('anthropic').length).toBeGreaterThan(4);
      expect(fake.requestsFor('anthropic').every((r) => r.apiKey === CANARY)).toBe(true);
      for (const out of outputs) expect(out).not.toContain(CANARY);
      for (const out of outputs) expect(out).not.toContain(CANARY.slice(0, -4));
      const files = filesUnder(h.home).filter((f) => !f.endsWith('daemon.sock'));
      expect(files.some((f) => f.endsWith('usage.db'))).toBe(true);
      for (const f of files) expect(fs.readFileSync(f).includes(Buffer.from(CANARY)), f).toBe(false);
    });
  },
);
