import * as fs from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../../../daemon/client/daemonClient';
import { homeLayout } from '../../../../daemon/home/conduitHome';
import { socketAddress } from '../../../../daemon/home/socketAddress';
import { readOrCreateToken } from '../../../../daemon/home/token';
import { PROTOCOL_VERSION } from '../../../../protocol';

/**
 * A peer on the daemon's socket, in a process of its own, that answers the hello, and answers
 * `daemon/stop` as a daemon does: a notification, its reply, then the end of the stream (`silent`:
 * the end only, as when the reply is lost; `error`: an error reply only). Once they are handed to
 * the OS it creates `marker`, so the test can hold its own event loop until then: the client then
 * reads the two frames and the close at once, as a busy client does when the daemon stops right
 * after replying. vscode-jsonrpc decodes one frame per turn of the event loop, so the socket's
 * close comes before the reply is dispatched.
 */
const PEER = String.raw`
const net = require('node:net');
const fs = require('node:fs');
const [socketPath, marker, mode] = process.argv.slice(1);
const frame = (msg) => { const b = JSON.stringify(msg); return 'Content-Length: ' + Buffer.byteLength(b) + '\r\n\r\n' + b; };
net.createServer((socket) => {
  let buf = '';
  socket.on('data', (d) => {
    buf += d.toString('utf8');
    for (;;) {
      const m = /^Content-Length: (\d+)\r\n\r\n/.exec(buf);
      if (!m || buf.length < m[0].length + Number(m[1])) return;
      const msg = JSON.parse(buf.slice(m[0].length, m[0].length + Number(m[1])));
      buf = buf.slice(m[0].length + Number(m[1]));
      if (msg.method === 'daemon/hello')
        socket.write(frame({ jsonrpc: '2.0', id: msg.id, result: { protocolVersion: Number(process.env.PV), version: 'test', pid: 4242, capabilities: [] } }));
      else if (msg.method === 'daemon/stop' && mode === 'silent')
        socket.end(() => fs.writeFileSync(marker, ''));
      else if (msg.method === 'daemon/stop' && mode === 'error')
        socket.write(frame({ jsonrpc: '2.0', id: msg.id, error: { code: -32001, message: 'no', data: { code: 'unauthorized', message: 'no' } } }), () => fs.writeFileSync(marker, ''));
      else if (msg.method === 'daemon/stop')
        socket.end(frame({ jsonrpc: '2.0', method: 'conduit/status', params: {} }) + frame({ jsonrpc: '2.0', id: msg.id, result: { pid: 4242 } }), () => fs.writeFileSync(marker, ''));
    }
  });
}).listen(socketPath, () => process.stdout.write('ready\n'));
`;

describe('DaemonClient.stop', () => {
  let home = '';
  let peer: ChildProcess | undefined;
  afterEach(() => {
    peer?.kill();
    fs.rmSync(home, { recursive: true, force: true });
  });

  async function connectTo(mode: 'stop' | 'silent' | 'error'): Promise<{ client: DaemonClient; marker: string }> {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdc-'));
    fs.chmodSync(home, 0o700);
    const layout = homeLayout(home);
    const address = socketAddress(layout.runDir, readOrCreateToken(layout.tokenFile));
    if (address.dir) fs.mkdirSync(address.dir, { recursive: true, mode: 0o700 });
    const marker = path.join(home, 'replied');
    peer = spawn(process.execPath, ['-e', PEER, address.path, marker, mode], {
      env: { ...process.env, PV: String(PROTOCOL_VERSION) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((resolve) => peer!.stdout!.once('data', resolve));
    return { client: await DaemonClient.connect({ client: 'cli', home, autoStart: false }), marker };
  }

  /** Holds this event loop (no callback runs) until the peer has replied and ended its side. */
  function holdUntil(marker: string): void {
    while (!fs.existsSync(marker)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  }

  it('takes the reply and the close read together as the stop it asked for', async () => {
    const { client, marker } = await connectTo('stop');
    const stopped = client.stop();
    holdUntil(marker);
    await expect(stopped).resolves.toEqual({ pid: 4242 });
    client.close();
  });

  it('takes a close after the request, with no reply read, as the stop, with the pid from the hello', async () => {
    const { client, marker } = await connectTo('silent');
    const stopped = client.stop();
    holdUntil(marker);
    await expect(stopped).resolves.toEqual({ pid: 4242 });
    client.close();
  });

  it('still reports a daemon that answers the stop with an error', async () => {
    const { client, marker } = await connectTo('error');
    const stopped = client.stop();
    holdUntil(marker);
    await expect(stopped).rejects.toMatchObject({ code: 'unauthorized' });
    client.close();
  });
});
