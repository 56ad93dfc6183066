import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalEndpoint } from '../../../../daemon/http/localEndpoint';
import { serverSchema } from '../../../../daemon/http/serverSettings';

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Sends one request and resolves with the status line, or 'closed' when the socket ends without one. */
function ask(socket: net.Socket, port: number): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n')) resolve(got.slice(0, got.indexOf('\r\n')));
    });
    socket.on('close', () => resolve('closed'));
    socket.on('error', () => undefined);
    socket.write(`GET /v1/models HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n\r\n`);
  });
}

describe('LocalEndpoint connections', () => {
  const sockets: net.Socket[] = [];
  let endpoint: LocalEndpoint | undefined;
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await endpoint?.close();
  });

  it('holds at most maxConnections open at once; one more is closed unanswered', async () => {
    const port = await freePort();
    endpoint = new LocalEndpoint({ token: 'x'.repeat(43), deps: {} as never, log: () => {}, maxConnections: 3 });
    await endpoint.apply(serverSchema.parse({ enabled: true, host: '127.0.0.1', port }));
    expect(endpoint.state().listening).toBe(true);
    const open = async () => {
      const s = net.connect(port, '127.0.0.1');
      sockets.push(s);
      await new Promise((resolve) => s.once('connect', resolve));
      return s;
    };
    // The server accepts in the order of connecting, so the fourth finds three held open.
    const held = [await open(), await open(), await open()];
    expect(await ask(await open(), port)).toBe('closed');
    // The three were held, not refused: one is answered (401, no token, which also closes it).
    expect(await ask(held[0]!, port)).toMatch(/^HTTP\/1\.1 401/);
    // With one gone a new connection is answered again; the server learns of the close on its
    // own turn of the loop, so no timing is assumed.
    let answer = 'closed';
    while (answer === 'closed') answer = await ask(await open(), port);
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
  });
});
