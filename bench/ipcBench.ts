import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { PingRequest } from '../protocol';
import type { DaemonClient } from '../daemon/client/daemonClient';
import { interleave, warmUp, type Side } from './interleave';
import { textOfSize } from './processes';
import type { Row } from './report';
import { row } from './row';

// 7. IPC: a JSON-RPC round trip through the daemon (daemon/ping) vs raw vscode-jsonrpc echo.
export async function ipc(client: DaemonClient, buildDir: string, quick: boolean): Promise<Row[]> {
  const echo = spawn(process.execPath, [path.join(buildDir, 'echoServer.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const line = await new Promise<string>((resolve) => createInterface({ input: echo.stdout }).once('line', resolve));
    const { socket: socketPath } = JSON.parse(line) as { socket: string };
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(socketPath, () => {
        s.setNoDelay(true);
        resolve(s);
      });
      s.once('error', reject);
    });
    const raw = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
    raw.listen();
    const rows: Row[] = [];
    const n = quick ? 500 : 3000;
    for (const size of [1000, 10_000]) {
      const payload = { text: textOfSize(size - 12) };
      const direct = () => raw.sendRequest(PingRequest.type, { payload });
      const viaDaemon = () => client.ping(payload);
      const sides: Side[] = [
        { name: 'direct', run: direct },
        { name: 'daemon', run: viaDaemon },
      ];
      await warmUp(sides, 200);
      const { direct: a, daemon: b } = await interleave(n, sides);
      rows.push(row(`7. IPC round trip, ${size / 1000} KB (raw vscode-jsonrpc echo → daemon/ping)`, a!, b!));
    }
    raw.dispose();
    socket.destroy();
    return rows;
  } finally {
    echo.kill('SIGTERM');
  }
}
