/**
 * The IPC baseline: raw vscode-jsonrpc on a Unix socket, in its own process, answering
 * `daemon/ping` by echoing the payload (no handshake, no guards). Prints {"socket":path}.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { PingRequest } from '../protocol';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdb-echo-'));
const socketPath = path.join(dir, 'echo.sock');
const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  const c = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
  c.onRequest(PingRequest.type, (params) => ({ payload: params?.payload ?? null }));
  c.listen();
  socket.on('error', () => undefined);
  socket.on('close', () => c.dispose());
});
server.listen(socketPath, () => process.stdout.write(`${JSON.stringify({ socket: socketPath })}\n`));
const stop = (): void => {
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
