import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'vscode-jsonrpc/node';
import { FrameReader, STREAM_ENDED } from '../../../../daemon/client/frameReader';

const frame = (msg: object) => {
  const body = JSON.stringify(msg);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
};

/** A real socket pair on 127.0.0.1: `peer` writes what the reader on `client` reads. */
async function socketPair(): Promise<{ client: net.Socket; peer: net.Socket; server: net.Server }> {
  const server = net.createServer();
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const client = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', resolve));
  return { client, peer: await accepted, server };
}

describe('FrameReader', () => {
  const open: Array<{ client: net.Socket; peer: net.Socket; server: net.Server }> = [];
  afterEach(() => {
    for (const p of open.splice(0)) {
      p.client.destroy();
      p.peer.destroy();
      p.server.close();
    }
  });

  /** Reads until STREAM_ENDED; resolves with every message, that one last. */
  function readAll(reader: FrameReader): Promise<Message[]> {
    const got: Message[] = [];
    return new Promise((resolve) =>
      reader.listen((m) => {
        got.push(m);
        if ((m as { method?: string }).method === STREAM_ENDED) resolve(got);
      }),
    );
  }

  it('hands on frames written together, split, and with multi-byte text, then STREAM_ENDED once', async () => {
    const pair = await socketPair();
    open.push(pair);
    const reader = new FrameReader(pair.client);
    const messages = readAll(reader);
    let closes = 0;
    reader.onClose(() => closes++);
    const a = frame({ jsonrpc: '2.0', method: 'chat/chunk', params: { delta: 'é🙂' } });
    const b = frame({ jsonrpc: '2.0', id: 1, result: { text: 'done' } });
    const all = Buffer.from(a + b);
    // A frame cut inside its header and inside a multi-byte character, each piece read on its
    // own, then the rest and the end.
    for (const piece of [all.subarray(0, 10), all.subarray(10, a.length - 3)]) {
      const read = new Promise((resolve) => pair.client.once('data', resolve));
      pair.peer.write(piece);
      await read;
    }
    pair.peer.end(all.subarray(a.length - 3));
    const got = await messages;
    expect(got).toEqual([
      { jsonrpc: '2.0', method: 'chat/chunk', params: { delta: 'é🙂' } },
      { jsonrpc: '2.0', id: 1, result: { text: 'done' } },
      { jsonrpc: '2.0', method: STREAM_ENDED },
    ]);
    await new Promise((resolve) => pair.client.once('close', resolve));
    expect(closes).toBe(1);
  });

  it('stops at a frame without Content-Length: an error, then STREAM_ENDED', async () => {
    const pair = await socketPair();
    open.push(pair);
    const reader = new FrameReader(pair.client);
    const errors: unknown[] = [];
    reader.onError((e) => errors.push(e));
    const messages = readAll(reader);
    pair.peer.write(`Content-Type: x\r\n\r\n{}${frame({ jsonrpc: '2.0', id: 1, result: 1 })}`);
    expect(await messages).toEqual([{ jsonrpc: '2.0', method: STREAM_ENDED }]);
    expect(errors).toHaveLength(1);
  });

  it('hands nothing on once disposed', async () => {
    const pair = await socketPair();
    open.push(pair);
    const reader = new FrameReader(pair.client);
    const got: Message[] = [];
    reader.listen((m) => got.push(m));
    reader.dispose();
    pair.peer.end(frame({ jsonrpc: '2.0', id: 1, result: 1 }));
    await new Promise((resolve) => pair.client.once('end', resolve).resume());
    expect(got).toEqual([]);
  });
});
