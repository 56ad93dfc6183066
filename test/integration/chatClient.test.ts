import { describe, expect, it } from 'vitest';
import { ChatClient } from '../../daemon/client/chatClient';
import { ConduitError, type ChatChunk, type ChatRequest } from '../../protocol';
import { useDaemonAndFake } from './harness';

/**
 * `conduit ask`'s one-shot client (daemon/client/chatClient.ts) against the real daemon: the same
 * answers, chunks and errors as DaemonClient gives, without vscode-jsonrpc's connection.
 */
describe('ChatClient, the one-shot client of a warm `conduit ask`', () => {
  const env = useDaemonAndFake({ config: { maxMessageBytes: 64 * 1024 } });
  const ask = (content: string, stream = true): ChatRequest => ({
    messages: [{ role: 'user', content }],
    provider: 'openai',
    stream,
  });

  const errorOf = async (p: Promise<unknown>): Promise<ConduitError> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConduitError);
    return err as ConduitError;
  };

  it('finds no daemon to talk to when none listens, so the caller starts one', async () => {
    await expect(ChatClient.connect(env.h.home)).resolves.toBeUndefined();
  });

  it('streams the chunks in order and returns the result, as DaemonClient does', async () => {
    (await env.h.connect()).close(); // starts the daemon
    env.fake.enqueue('openai', { deltas: ['one ', 'two ', 'three'] });
    const client = (await ChatClient.connect(env.h.home))!;
    expect(client).toBeDefined();
    const chunks: ChatChunk[] = [];
    const result = await client.chat(ask('count'), { onChunk: (c) => chunks.push(c) });
    client.close();
    expect(chunks.map((c) => c.delta).join('')).toBe('one two three');
    expect(result.text).toBe('one two three');
    expect(result.provider).toBe('openai');
    expect(env.fake.requests).toHaveLength(1);
  });

  it('reads an answer that arrives over many reads of the socket', async () => {
    const text = 'lorem ipsum dolor sit amet, '.repeat(20_000); // 560 kB: one frame, many reads
    env.fake.enqueue('openai', { text });
    const client = (await ChatClient.connect(env.h.home))!;
    const result = await client.chat(ask('long', false));
    client.close();
    expect(result.text).toBe(text);
  });

  it("maps the daemon's errors exactly as DaemonClient does", async () => {
    const refusal = { status: 400, error: { message: 'bad param' } };
    env.fake.enqueue('openai', refusal);
    env.fake.enqueue('openai', refusal);
    const light = (await ChatClient.connect(env.h.home))!;
    const full = await env.h.connect(false);
    const a = await errorOf(light.chat(ask('refused', false)));
    const b = await errorOf(full.chat(ask('refused', false)));
    light.close();
    full.close();
    expect(a.code).toBe(b.code);
    expect(a.message).toBe(b.message);
  });

  it("refuses a request over the daemon's message cap before writing it, and stays usable", async () => {
    const client = (await ChatClient.connect(env.h.home))!;
    const err = await errorOf(client.chat(ask('x'.repeat(70 * 1024))));
    expect(err.code).toBe('too_large');
    expect(err.message).toMatch(/the daemon accepts messages up to 0\.1 MB \(maxMessageBytes/);
    expect(env.fake.requests).toHaveLength(0);
    env.fake.enqueue('openai', { text: 'still here' });
    expect((await client.chat(ask('small', false))).text).toBe('still here');
    client.close();
  });

  it('an abort sends $/cancelRequest: the answer is `cancelled` and the upstream request closes', async () => {
    env.fake.enqueue('openai', { deltas: Array.from({ length: 50 }, (_, i) => `t${i} `), chunkDelayMs: 100 });
    const client = (await ChatClient.connect(env.h.home))!;
    const controller = new AbortController();
    const err = await errorOf(
      client.chat(ask('long'), { signal: controller.signal, onChunk: () => controller.abort() }),
    );
    expect(err.code).toBe('cancelled');
    await env.fake.lastRequest('openai')!.waitForAbort(30_000);
    client.close();
  });

  it('a daemon that goes away mid-request is daemon_unavailable, named as a lost connection', async () => {
    env.fake.enqueue('openai', { fault: { kind: 'hang' } });
    const { pid } = await env.h.status();
    const client = (await ChatClient.connect(env.h.home))!;
    const pending = client.chat(ask('hangs', false));
    await env.fake.waitForRequests(1, 30_000);
    process.kill(pid, 'SIGKILL');
    const err = await errorOf(pending);
    expect(err.code).toBe('daemon_unavailable');
    expect(err.message).toMatch(/^Lost the connection to the Conduit daemon/);
    client.close();
  });
});
