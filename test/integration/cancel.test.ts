import { describe, expect, it } from 'vitest';
import { ConduitError } from '../../protocol';
import { waitFor, useDaemonAndFake } from './harness';

const slow = (n: number) => ({ deltas: Array.from({ length: n }, (_, i) => `tok${i} `), chunkDelayMs: 100 });

describe('cancelling a stream closes the upstream request', () => {
  const env = useDaemonAndFake();

  for (const [provider, wire] of [
    ['anthropic', 'anthropic'],
    ['openai', 'openai'],
    ['gemini', 'gemini'],
  ] as const) {
    it(`${provider}: $/cancelRequest aborts the SDK call and the fake sees the socket close`, async () => {
      env.fake.enqueue(wire, slow(50));
      const client = await env.h.connect();
      const controller = new AbortController();
      let chunks = 0;
      const pending = client.chat(
        { messages: [{ role: 'user', content: 'long answer please' }], provider, stream: true },
        {
          signal: controller.signal,
          onChunk: () => {
            chunks++;
            if (chunks === 2) controller.abort();
          },
        },
      );
      await expect(pending).rejects.toSatisfy((e: unknown) => e instanceof ConduitError && e.code === 'cancelled');
      const cancelledAt = Date.now();
      const upstream = env.fake.lastRequest(wire);
      expect(upstream).toBeDefined();
      const abortedAt = await upstream!.waitForAbort(2000);
      // The point is that it closes at all, promptly; the bound is loose for shared machines.
      expect(abortedAt - cancelledAt).toBeLessThan(1000);
      expect(chunks).toBeLessThan(50);
      client.close();
    });
  }

  it('a client that disconnects mid-stream aborts its upstream request', async () => {
    env.fake.enqueue('openai', slow(50));
    const client = await env.h.connect();
    let first: () => void;
    const gotChunk = new Promise<void>((r) => {
      first = r;
    });
    void client
      .chat(
        { messages: [{ role: 'user', content: 'x' }], provider: 'openai', stream: true },
        { onChunk: () => first() },
      )
      .catch(() => undefined);
    await gotChunk;
    client.close();
    await env.fake.lastRequest('openai')!.waitForAbort(2000);
  });

  it('Ctrl-C on `conduit ask` exits 130 and closes the upstream request', async () => {
    env.fake.enqueue('anthropic', slow(50));
    const child = env.h.spawnCli(['ask', '--provider', 'anthropic', 'stream for a while']);
    child.stdin?.end();
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await waitFor(() => out.includes('tok1'), 10_000, 'the first chunks on stdout');
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    await env.fake.lastRequest('anthropic')!.waitForAbort(2000);
  });
});
