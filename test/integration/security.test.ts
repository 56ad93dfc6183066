import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../protocol';
import { DaemonHarness } from './harness';
import { RawSocket } from './rawSocket';

describe.skipIf(process.platform === 'win32')('the daemon socket is private and authenticated', () => {
  let h: DaemonHarness;
  let token: string;

  beforeAll(async () => {
    // Nothing listens at this address; these tests never reach a provider.
    h = new DaemonHarness('http://127.0.0.1:9', { CONDUIT_HANDSHAKE_TIMEOUT_MS: '400' });
    const r = await h.cli(['daemon']);
    expect(r.code, r.stderr).toBe(0);
    token = fs.readFileSync(path.join(h.home, 'token'), 'utf8').trim();
  });
  afterAll(() => h.dispose());

  it('keeps the socket at 0600 in a 0700 directory, and the token at 0600', () => {
    expect(fs.statSync(h.socketPath()).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(h.socketPath())).mode & 0o777).toBe(0o700);
    expect(fs.statSync(h.home).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(h.home, 'token')).mode & 0o777).toBe(0o600);
  });

  it('refuses a request sent before the handshake and closes the connection', async () => {
    const s = await RawSocket.open(h.socketPath());
    s.send({ jsonrpc: '2.0', id: 1, method: 'daemon/status', params: {} });
    await s.closed;
    expect(s.received).toMatch(/Unauthorized/);
    expect(s.received).not.toMatch(/"pid"/);
  });

  it('refuses a wrong token and closes the connection', async () => {
    const s = await RawSocket.open(h.socketPath());
    s.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'daemon/hello',
      params: { protocolVersion: PROTOCOL_VERSION, token: 'f'.repeat(64), client: 'other', clientVersion: 'x' },
    });
    await s.closed;
    expect(s.received).toMatch(/"code":-32002/);
  });

  it('accepts the right token', async () => {
    const s = await RawSocket.open(h.socketPath());
    // Opened after s and silent: its drop is the event that proves s's handshake deadline has passed too.
    const silent = await RawSocket.open(h.socketPath());
    s.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'daemon/hello',
      params: { protocolVersion: PROTOCOL_VERSION, token, client: 'other', clientVersion: 'x' },
    });
    s.send({ jsonrpc: '2.0', id: 2, method: 'daemon/status', params: {} });
    expect(await s.receive(/"id":2,"result":\{[^]*"pid":\d+/)).toBeTruthy();
    // Still open, and still served, past the handshake deadline (400 ms).
    await silent.closed;
    s.send({ jsonrpc: '2.0', id: 3, method: 'daemon/status', params: {} });
    expect(await s.receive(/"id":3,"result"/)).toBeTruthy();
    expect(s.isClosed).toBe(false);
    s.destroy();
  });

  it('drops a client that stays silent past the handshake deadline', async () => {
    const s = await RawSocket.open(h.socketPath());
    await s.closed;
    expect(s.received).toBe('');
  });

  it('drops a 2 GB length prefix and garbage frames, and keeps serving others', async () => {
    const huge = await RawSocket.open(h.socketPath());
    huge.write('Content-Length: 2147483648\r\n\r\n{');
    await huge.closed;

    const garbage = await RawSocket.open(h.socketPath());
    garbage.write(Buffer.alloc(8192, 0x41));
    await garbage.closed;

    const badJson = await RawSocket.open(h.socketPath());
    badJson.write('Content-Length: 5\r\n\r\n{{{{{');
    await badJson.closed;

    const status = await h.status();
    expect(status.pid).toBeGreaterThan(0);
  });

  it('keeps serving a well-behaved client while a slow client dribbles a frame', async () => {
    // The slow client has passed the handshake, so no deadline drops it: its half-sent frame is
    // still pending when the other client's answer arrives, which a daemon that waited on it never sends.
    const slow = await RawSocket.open(h.socketPath());
    slow.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'daemon/hello',
      params: { protocolVersion: PROTOCOL_VERSION, token, client: 'other', clientVersion: 'x' },
    });
    await slow.receive(/"id":1,"result"/);
    slow.write('Content-Len');
    const status = await h.status();
    expect(status.clients).toBeGreaterThanOrEqual(1);
    expect(slow.isClosed).toBe(false);
    slow.destroy();
  });
});
