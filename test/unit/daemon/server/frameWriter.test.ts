import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { StreamMessageReader, type Message, type NotificationMessage } from 'vscode-jsonrpc/node';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameWriter } from '../../../../daemon/server/frameWriter';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

/** Two ends of a real Unix socket. */
async function socketPair(): Promise<{ writer: net.Socket; reader: net.Socket }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdfw-'));
  const file = path.join(dir, 's.sock');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(file, resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const reader = net.connect(file);
  const writer = await accepted;
  cleanup.push(() => {
    reader.destroy();
    writer.destroy();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { writer, reader };
}

describe('FrameWriter', () => {
  it('puts each message on the socket in one write, in the frame format the stock reader parses (length in bytes)', async () => {
    const { writer, reader } = await socketPair();
    let writes = 0;
    const write = writer.write.bind(writer) as (...args: unknown[]) => boolean;
    writer.write = (...args: unknown[]) => {
      writes++;
      return write(...args);
    };
    const received: Message[] = [];
    const all = new Promise<void>((resolve) => {
      new StreamMessageReader(reader).listen((m) => {
        received.push(m);
        if (received.length === 3) resolve();
      });
    });
    const fw = new FrameWriter(writer);
    const messages: NotificationMessage[] = [
      { jsonrpc: '2.0', method: 'a', params: { text: 'plain' } },
      // Multi-byte UTF-8: a Content-Length in characters would cut this frame short.
      { jsonrpc: '2.0', method: 'b', params: { text: '東京 👩‍👩‍👧‍👦 é'.repeat(500) } },
      { jsonrpc: '2.0', method: 'c', params: { n: 3 } },
    ];
    for (const m of messages) await fw.write(m);
    await all;
    expect(writes).toBe(3);
    expect(received).toEqual(messages);
  });

  it('rejects a write on a closed socket and reports the error', async () => {
    const { writer } = await socketPair();
    const fw = new FrameWriter(writer);
    const errors: Error[] = [];
    fw.onError(([err]) => errors.push(err));
    writer.destroy();
    await expect(fw.write({ jsonrpc: '2.0', method: 'x' } as NotificationMessage)).rejects.toThrow();
    expect(errors.length).toBeGreaterThan(0);
  });
});
