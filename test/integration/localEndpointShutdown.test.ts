import * as net from 'node:net';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { isRunning, useDaemonAndFake, waitFor } from './harness';
import { endpointToken, freePort, probePort, writeConfig } from './localEndpointHelpers';

/** Reads from a stream reader until `done(text)` holds or the stream ends; returns everything read. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  sofar: string,
  done: (text: string) => boolean,
): Promise<{ text: string; ended: boolean }> {
  const decoder = new TextDecoder();
  let text = sofar;
  while (!done(text)) {
    const { value, done: ended } = await reader.read();
    if (ended) return { text, ended: true };
    text += decoder.decode(value, { stream: true });
  }
  return { text, ended: false };
}

describe('local endpoint: a stop drains the requests in flight', () => {
  const env = useDaemonAndFake();
  let port = 0;
  let openai: OpenAI;

  beforeAll(async () => {
    port = await freePort();
    writeConfig(env.h, { server: { enabled: true, port }, rateLimit: { enabled: false }, cache: { enabled: false } });
    (await env.h.connect()).close();
    openai = new OpenAI({ apiKey: endpointToken(env.h), baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  });

  it('`conduit stop` mid-stream: no new connections, the stream finishes with usage and [DONE], then the daemon exits', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // The fake sends one delta and holds the rest until the stop is under way.
    env.fake.enqueue('openai', {
      deltas: ['one, ', 'two, ', 'three.'],
      usage: { input: 5, output: 3 },
      hold: { afterDeltas: 1, until: held },
    });
    const { pid } = await env.h.status();
    const response = await openai.chat.completions
      .create({
        model: 'gpt-5.4-mini',
        messages: [{ role: 'user', content: 'count slowly' }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .asResponse();
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = await readUntil(reader, '', (t) => t.includes('one, '));
    expect(first.ended).toBe(false);

    const stopped = env.h.cli(['stop']);
    // The stop has reached the endpoint while this stream is still in flight on it.
    await waitFor(
      () => /"msg":"local endpoint draining"[^\n]*"inFlight":1/.test(env.h.logText()),
      20_000,
      'the endpoint to start draining with one request in flight',
    );
    expect(await probePort(port)).toBe('refused');
    release();

    const rest = await readUntil(reader, first.text, () => false);
    expect(rest.ended).toBe(true);
    const events = rest.text
      .split('\n\n')
      .filter((e) => e.startsWith('data: '))
      .map((e) => e.slice('data: '.length));
    expect(events[events.length - 1]).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as OpenAI.ChatCompletionChunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('one, two, three.');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    expect(chunks[chunks.length - 1]!.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 3 });

    expect((await stopped).code).toBe(0);
    await waitFor(() => !isRunning(pid), 20_000, 'the daemon to exit');
    const log = env.h.logText();
    expect(log).toMatch(/"msg":"local endpoint stopped"/);
    expect(log).not.toMatch(/requests cut at the stop deadline/);
  });
});

/** One raw keep-alive connection: requests written by hand, responses read by Content-Length. */
class KeepAliveConnection {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  readonly ended: Promise<void>;
  readonly closed: Promise<void>;

  constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.wake?.();
    });
    socket.on('error', () => undefined);
    // 'end' is the server's FIN: it, not this client, closed the connection.
    this.ended = new Promise((r) => socket.once('end', () => r()));
    this.closed = new Promise((r) => socket.once('close', () => r()));
  }

  static open(port: number): Promise<KeepAliveConnection> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => resolve(new KeepAliveConnection(s)));
      s.once('error', reject);
    });
  }

  async get(port: number, path: string, token: string): Promise<{ status: number; headers: string; body: string }> {
    this.socket.write(
      `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nauthorization: Bearer ${token}\r\nconnection: keep-alive\r\n\r\n`,
    );
    for (;;) {
      const head = this.buffer.indexOf('\r\n\r\n');
      if (head >= 0) {
        const headers = this.buffer.subarray(0, head).toString('latin1');
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(headers)?.[1] ?? 0);
        if (this.buffer.length >= head + 4 + length) {
          const body = this.buffer.subarray(head + 4, head + 4 + length).toString('utf8');
          this.buffer = this.buffer.subarray(head + 4 + length);
          return { status: Number(headers.split(' ')[1]), headers, body };
        }
      }
      await new Promise<void>((r) => (this.wake = r));
    }
  }
}

describe('local endpoint: idle keep-alive connections', () => {
  const env = useDaemonAndFake();
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    writeConfig(env.h, { server: { enabled: true, port, keepAliveTimeoutMs: 1000 } });
    (await env.h.connect()).close();
  });

  it('a second request on the same connection is answered; the idle connection is then closed by the endpoint', async () => {
    const token = endpointToken(env.h);
    const conn = await KeepAliveConnection.open(port);
    const first = await conn.get(port, '/v1/models', token);
    expect(first.status).toBe(200);
    // The documented idle timeout, as the endpoint announces it (server.keepAliveTimeoutMs).
    expect(first.headers).toMatch(/\r\nkeep-alive: timeout=1\b/i);
    const second = await conn.get(port, '/v1/models/conduit%2Fsimple', token);
    expect(second.status).toBe(200);
    expect(JSON.parse(second.body)).toMatchObject({ id: 'conduit/simple' });
    await conn.ended;
    await conn.closed;
    // The endpoint itself is still up for a new connection.
    expect(await probePort(port)).toBe('open');
  });
});
