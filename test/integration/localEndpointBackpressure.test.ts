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

  /** A streamed chat completion whose response is held unread until the caller resumes it. */
  function openStream(content: string): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/chat/completions',
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
      req.end(JSON.stringify({ model: 'gpt-5.4-mini', stream: true, messages: [{ role: 'user', content }] }));
    });
  }

  it('waits for the client past the mark, and every chunk arrives in order once it reads', async () => {
    // 40,000 chunks of about 200 bytes as OpenAI frames them: far past the mark and the OS's buffers.
    const deltas = Array.from({ length: 40_000 }, (_, i) => `${String(i).padStart(7, '0')} `);
    env.fake.enqueue('openai', { deltas });
    const waitsBefore = (await figures()).streamWaits;
    const { res } = await openStream('a long answer');
    expect(res.statusCode).toBe(200);
    // One chunk's event: its JSON with the longest delta, and room for the role and finish events.
    const bound = SSE_WAIT_BYTES + 4096;
    // The stream waited, or the buffer went past the bound (without the wait the test fails here
    // on the figure, not by its timeout).
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

    let text = '';
    res.setEncoding('utf8').on('data', (d: string) => {
      text += d;
    });
    res.resume();
    await new Promise<void>((resolve, reject) => {
      res.on('end', resolve);
      res.on('error', reject);
    });
    const events = text
      .split('\n\n')
      .filter((e) => e.startsWith('data: '))
      .map((e) => e.slice('data: '.length));
    expect(events.at(-1)).toBe('[DONE]');
    const pieces = events
      .slice(0, -1)
      .map((e) => (JSON.parse(e) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content)
      .filter((c): c is string => c !== undefined && c !== '');
    expect(pieces).toEqual(deltas);
    expect((await figures()).peakUnsentBytes).toBeLessThanOrEqual(bound);
  });

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
