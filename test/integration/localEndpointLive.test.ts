import * as fs from 'node:fs';
import * as path from 'node:path';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ConfigUpdateRequest } from '../../protocol';
import { useDaemonAndFake } from './harness';
import { endpointToken, freePort, probePort } from './localEndpointHelpers';

describe('local endpoint: off by default, turned on and off live', () => {
  const env = useDaemonAndFake();

  it('nothing listens by default; server.enabled pushed to the running daemon opens it, and removing it closes it', async () => {
    const client = await env.h.connect();
    try {
      const status = await client.status();
      expect(status.localEndpoint).toEqual({
        enabled: false,
        listening: false,
        host: '127.0.0.1',
        port: 4141,
        backpressure: { streamWaits: 0, peakUnsentBytes: 0 },
      });
      expect(await probePort(4141)).toBe('refused');

      const port = await freePort();
      expect(
        await client.connection.sendRequest(ConfigUpdateRequest.type, {
          settings: { server: { enabled: true, port } },
        }),
      ).toMatchObject({ applied: true, problems: [] });
      await waitListening(client, true);
      expect((await client.status()).localEndpoint).toMatchObject({ enabled: true, listening: true, port });
      const openai = new OpenAI({
        apiKey: endpointToken(env.h),
        baseURL: `http://127.0.0.1:${port}/v1`,
        maxRetries: 0,
      });
      const answer = await openai.chat.completions.create({
        model: 'gpt-5.4-mini',
        messages: [{ role: 'user', content: 'live' }],
      });
      expect(answer.choices[0]!.message.content).toBe('Hello from the fake provider.');

      const cli = await env.h.cli(['serve', '--show-token']);
      expect(cli.code).toBe(0);
      expect(cli.stdout).toContain(`http://127.0.0.1:${port}/v1`);
      expect(cli.stdout).toContain(endpointToken(env.h));
      expect((await env.h.cli(['serve'])).stdout).not.toContain(endpointToken(env.h));
      // Its own token, not the IPC one, readable by the user alone (POSIX modes; Windows has ACLs instead).
      const tokenFile = path.join(env.h.home, 'endpoint-token');
      if (process.platform !== 'win32') expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
      expect(endpointToken(env.h)).toMatch(/^[0-9a-f]{64}$/);
      expect(endpointToken(env.h)).not.toBe(fs.readFileSync(path.join(env.h.home, 'token'), 'utf8').trim());

      await client.connection.sendRequest(ConfigUpdateRequest.type, { settings: {} });
      await waitListening(client, false);
      expect(await probePort(port)).toBe('refused');
      expect((await client.status()).pid).toBe(client.hello.pid);
    } finally {
      client.close();
    }
  });
});

async function waitListening(
  client: Awaited<ReturnType<ReturnType<typeof useDaemonAndFake>['h']['connect']>>,
  listening: boolean,
): Promise<void> {
  // The listener follows config/apply in the background; status says when it is bound.
  for (let i = 0; i < 400; i++) {
    if ((await client.status()).localEndpoint?.listening === listening) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the endpoint did not become ${listening ? 'listening' : 'closed'}`);
}
