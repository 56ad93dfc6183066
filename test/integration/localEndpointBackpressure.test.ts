import * as http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { SSE_WAIT_BYTES } from '../../daemon/http/sseResponse';
import type { LocalEndpointStatus } from '../../protocol';
import { ONE_PROVIDER, useDaemonAndFake } from './harness';
import { endpointToken, freePort, writeConfig } from './localEndpointHelpers';

type Figures = NonNullable<LocalEndpointStatus['backpressure']>;

/**
 * An HTTP client that stops reading a streamed answer: the daemon must stop pulling from the
 * upstream rather than buffer the whole answer, and the client must still get all of it.
 */
describe('local endpoint: a stream whose HTTP client does not read', () => {
  const env = useDaemonAndFake({ env: ONE_PROVIDER });
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    writeConfig(env.h, { server: { enabled: true, port }, cache: { semantic: { enabled: false } } });
    (await env.h.connect()).close();
  });

  const figures = async (): Promise<Figures> => {
    const client = await env.h.connect();
    try {
      return (await client.status()).localEndpoint!.backpressure!;
    } finally {
      client.close();
    }
  };

  /** A streamed answer whose response is held unread until the caller resumes it. */
  function openStream(
    content: string,
    api: 'openai' | 'anthropic' = 'openai',
  ): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
    const route =
      api === 'openai'
        ? { path: '/v1/chat/completions', model: 'gpt-5.4-mini', extra: {} }
        : { path: '/v1/messages', model: 'claude-haiku-5-5', extra: { max_tokens: 1024 } };
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: route.path,
          headers: {
            host: `127.0.0.1:${port}`,
            authorization: `Bearer ${endpointToken(env.h)}`,
            'content-type': 'application/json',
          },
          agent: false,
        },
        (res) => {
          res.pause();
          resolve({ req, res });
        },
      );
      req.on('error', reject);
      req.end(
        JSON.stringify({ model: route.model, stream: true, messages: [{ role: 'user', content }], ...route.extra }),
      );
    });
  }

  /** Each API's text pieces, in order, from its SSE body; and whether the body ended as that API ends one. */
  function piecesOf(api: 'openai' | 'anthropic', body: string): { pieces: string[]; ended: boolean } {
    const events = body.split('\n\n').filter((e) => e.includes('data: '));
    const data = events.map((e) => e.slice(e.indexOf('data: ') + 'data: '.length));
    if (api === 'openai') {
      const pieces = data
        .filter((d) => d !== '[DONE]')
        .map((d) => (JSON.parse(d) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content)
        .filter((c): c is string => c !== undefined && c !== '');
      return { pieces, ended: data.at(-1) === '[DONE]' };
    }
    const parsed = data.map((d) => JSON.parse(d) as { type: string; delta?: { type: string; text?: string } });
    const pieces = parsed.filter((e) => e.delta?.type === 'text_delta').map((e) => e.delta!.text!);
    return { pieces, ended: parsed.at(-1)?.type === 'message_stop' };
  }

  it.each(['openai', 'anthropic'] as const)(
    '%s: waits for the client past the mark, and every piece arrives in order once it reads',
    async (api) => {
      // 40,000 pieces: 8 MB or more framed, past the mark and past what the OS's buffers on both
      // ends take first (loopback TCP grows them to several MB; 4 MB of Anthropic events was not enough).
      const deltas = Array.from({ length: 40_000 }, (_, i) => `${String(i).padStart(7, '0')} ${'x'.repeat(120)} `);
      env.fake.enqueue(api, { deltas });
      const waitsBefore = (await figures()).streamWaits;
      const { res } = await openStream('a long answer', api);
      expect(res.statusCode).toBe(200);
      // One piece's events (Anthropic opens a block with a ping before its first delta), with room to spare.
      const bound = SSE_WAIT_BYTES + 4096;
      // The stream waited, or the buffer went past the bound: a wait that never comes fails here on
      // the figure; a route that never asks for it (shown with messages.ts's return removed) by the poll's timeout.
      await expect
        .poll(
          async () => {
            const f = await figures();
            return f.streamWaits > waitsBefore || f.peakUnsentBytes > bound;
          },
          { timeout: 60_000, interval: 50 },
        )
        .toBe(true);
      expect((await figures()).peakUnsentBytes).toBeLessThanOrEqual(bound);

      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        body += d;
      });
      res.resume();
      await new Promise<void>((resolve, reject) => {
        res.on('end', resolve);
        res.on('error', reject);
      });
      const { pieces, ended } = piecesOf(api, body);
      expect(ended).toBe(true);
      expect(pieces).toEqual(deltas);
      expect((await figures()).peakUnsentBytes).toBeLessThanOrEqual(bound);
    },
  );

  it('a client that goes away while its stream waits ends the stream', async () => {
    const deltas = Array.from({ length: 80_000 }, (_, i) => `${String(i).padStart(7, '0')} `);
    env.fake.enqueue('openai', { deltas });
    const waitsBefore = (await figures()).streamWaits;
    const { req } = await openStream('another long answer');
    await expect
      .poll(async () => (await figures()).streamWaits, { timeout: 60_000, interval: 50 })
      .toBeGreaterThan(waitsBefore);
    req.destroy();
    const client = await env.h.connect();
    try {
      await expect.poll(async () => (await client.status()).inFlight, { timeout: 60_000, interval: 50 }).toBe(0);
    } finally {
      client.close();
    }
  });
});
