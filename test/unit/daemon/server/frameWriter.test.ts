import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { StreamMessageReader, type Message, type NotificationMessage } from 'vscode-jsonrpc/node';
import { afterEach, describe, expect, it } from 'vitest';
import { DrainingWriter } from '../../../../daemon/server/drainingWriter';
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

  it('refuses, unwritten, a message over the cap set for its params, and says its size; the connection stays usable', async () => {
    const { writer, reader } = await socketPair();
    const received: Message[] = [];
    const next = new Promise<void>((resolve) => {
      new StreamMessageReader(reader).listen((m) => {
        received.push(m);
        resolve();
      });
    });
    const fw = new FrameWriter(writer);
    const errors: Error[] = [];
    fw.onError(([err]) => errors.push(err));
    const big = { text: 'é'.repeat(600) };
    const small = { text: 'é' };
    fw.capMessage(big, 1000);
    fw.capMessage(small, 1000);
    const bigMessage: NotificationMessage = { jsonrpc: '2.0', method: 'big', params: big };
    await expect(fw.write(bigMessage)).rejects.toThrow(/exceeds the 1000-byte limit/);
    // Measured in UTF-8 bytes of the frame's body, as the daemon's FrameGuard counts them.
    expect(fw.oversized(big)).toEqual({ bytes: Buffer.byteLength(JSON.stringify(bigMessage)), maxBytes: 1000 });
    await fw.write({ jsonrpc: '2.0', method: 'small', params: small } as NotificationMessage);
    await next;
    // The only frame the reader saw is the small one: the big one never reached the socket.
    expect(received.map((m) => (m as NotificationMessage).method)).toEqual(['small']);
    expect(fw.oversized(small)).toBeUndefined();
    expect(errors).toEqual([]);
  });
});

describe('FrameWriter.writeBody', () => {
  it('frames a ready body in one write, in order with write()s around it', async () => {
    const { writer, reader } = await socketPair();
    const received: Message[] = [];
    const all = new Promise<void>((resolve) => {
      new StreamMessageReader(reader).listen((m) => {
        received.push(m);
        if (received.length === 4) resolve();
      });
    });
    const fw = new FrameWriter(writer);
    const a: NotificationMessage = { jsonrpc: '2.0', method: 'a', params: { n: 0 } };
    const last: NotificationMessage = { jsonrpc: '2.0', method: 'z', params: { n: 3 } };
    void fw.write(a);
    fw.writeBody(JSON.stringify({ jsonrpc: '2.0', method: 'b', params: { text: '東京 👩‍👩‍👧‍👦' } }));
    fw.writeBody(JSON.stringify({ jsonrpc: '2.0', method: 'c', params: { n: 2 } }));
    void fw.write(last);
    await all;
    expect(received.map((m) => (m as NotificationMessage).method)).toEqual(['a', 'b', 'c', 'z']);
    expect((received[1] as NotificationMessage).params).toEqual({ text: '東京 👩‍👩‍👧‍👦' });
  });

  it('reports a failed write as a writer error, with no promise to reject', async () => {
    const { writer } = await socketPair();
    const fw = new FrameWriter(writer);
    const reported = new Promise<Error>((resolve) => fw.onError(([err]) => resolve(err)));
    writer.destroy();
    fw.writeBody('{"jsonrpc":"2.0","method":"x"}');
    expect(await reported).toBeInstanceOf(Error);
  });
});

describe('DrainingWriter.drain', () => {
  it('waits for writeBody frames the peer has not taken yet', async () => {
    const { writer, reader } = await socketPair();
    const dw = new DrainingWriter(writer);
    // More than the socket buffers: the frames stay queued until the reader reads.
    reader.pause();
    const big = JSON.stringify({ jsonrpc: '2.0', method: 'b', params: { text: 'x'.repeat(4 << 20) } });
    dw.writeBody(big);
    let drained = false;
    const done = dw.drain(60_000).then(() => (drained = true));
    // The writer is still holding the frame: its write has not called back.
    expect(writer.writableLength).toBeGreaterThan(0);
    expect(drained).toBe(false);
    let got = 0;
    reader.on('data', (d: Buffer) => (got += d.length));
    reader.resume();
    await done;
    expect(drained).toBe(true);
    expect(writer.writableLength).toBe(0);
    expect(got).toBeGreaterThan(0);
  });
});
