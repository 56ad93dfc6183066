import * as net from 'node:net';
import * as os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigUpdateRequest } from '../../protocol';
import { useDaemonAndFake, waitFor } from './harness';
import { endpointToken, freePort, rawRequest } from './localEndpointHelpers';

/** A non-loopback IPv4 address of this machine, if it has one. */
const lanAddress = Object.values(os.networkInterfaces())
  .flatMap((l) => l ?? [])
  .find((a) => a.family === 'IPv4' && !a.internal)?.address;

function connectTo(host: string, port: number): Promise<'open' | 'refused'> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNREFUSED' ? resolve('refused') : reject(err),
    );
  });
}

/**
 * The bind address: loopback unless `server.host` names another; a wildcard host, named
 * explicitly, answers clients that use one of the machine's addresses in their base URL, and
 * still refuses other names (DNS rebinding).
 */
describe.skipIf(lanAddress === undefined)('local endpoint: the bind address', () => {
  const env = useDaemonAndFake();

  it("loopback by default (the LAN address is refused); server.host 0.0.0.0 answers the machine's address", async () => {
    const lan = lanAddress!;
    const port = await freePort();
    const client = await env.h.connect();
    try {
      const push = (server: object) =>
        client.connection.sendRequest(ConfigUpdateRequest.type, { settings: { server } });
      expect(await push({ enabled: true, port })).toMatchObject({ applied: true, problems: [] });
      await waitFor(async () => (await client.status()).localEndpoint?.listening === true, 60_000, 'listening');
      expect(await connectTo('127.0.0.1', port)).toBe('open');
      expect(await connectTo(lan, port)).toBe('refused');

      expect(await push({ enabled: true, port, host: '0.0.0.0' })).toMatchObject({ applied: true, problems: [] });
      await waitFor(
        async () => {
          const state = (await client.status()).localEndpoint;
          return state?.host === '0.0.0.0' && state.listening;
        },
        60_000,
        'the endpoint to move to 0.0.0.0',
      );
      await env.h.waitForLog(/"msg":"local endpoint listening".*"warning":"not a loopback address/);
      const token = endpointToken(env.h);
      const get = (hostHeader: string) =>
        rawRequest(port, {
          method: 'GET',
          path: '/v1/models',
          headers: { host: hostHeader, authorization: `Bearer ${token}` },
        });
      expect((await get(`${lan}:${port}`)).status).toBe(200);
      expect((await get(`localhost:${port}`)).status).toBe(200);
      for (const bad of [`evil.example:${port}`, `0.0.0.0:${port}`]) expect((await get(bad)).status, bad).toBe(421);
      // A client on the network reaches it through the machine's address, token still required.
      const open = await new Promise<number>((resolve, reject) => {
        const socket = net.connect({ host: lan, port }, () => {
          socket.write(`GET /v1/models HTTP/1.1\r\nHost: ${lan}:${port}\r\nConnection: close\r\n\r\n`);
        });
        let text = '';
        socket.setEncoding('utf8').on('data', (d: string) => (text += d));
        socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1])));
        socket.on('error', reject);
      });
      expect(open).toBe(401);
    } finally {
      client.close();
    }
  });
});
