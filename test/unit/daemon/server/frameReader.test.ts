import { PassThrough } from 'node:stream';
import type { Message, NotificationMessage } from 'vscode-jsonrpc/node';
import { describe, expect, it } from 'vitest';
import { FrameReader } from '../../../../daemon/server/frameReader';

function frame(m: Message): Buffer {
  const body = Buffer.from(JSON.stringify(m), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

function listen(stream: PassThrough): { received: Message[]; errors: Error[]; reader: FrameReader } {
  const reader = new FrameReader(stream);
  const received: Message[] = [];
  const errors: Error[] = [];
  reader.onError((err) => errors.push(err));
  reader.listen((m) => received.push(m));
  return { received, errors, reader };
}

const messages: NotificationMessage[] = [
  { jsonrpc: '2.0', method: 'a', params: { text: 'plain' } },
  // Multi-byte UTF-8 cut anywhere: the length is in bytes, and a character may span two chunks.
  { jsonrpc: '2.0', method: 'b', params: { text: '東京 👩‍👩‍👧‍👦 é'.repeat(20) } },
  { jsonrpc: '2.0', method: 'c', params: { n: 3 } },
];

describe('FrameReader', () => {
  it('hands each message on in the same turn its last byte arrives, several from one chunk, in order', () => {
    const stream = new PassThrough();
    const { received, errors } = listen(stream);
    // 'data' emitted directly: what a socket does when bytes arrive. No await in between.
    stream.emit('data', Buffer.concat(messages.map(frame)));
    expect(received).toEqual(messages);
    expect(errors).toEqual([]);
  });

  it('reassembles frames cut at every byte boundary, headers included', () => {
    const all = Buffer.concat(messages.map(frame));
    for (let cut = 1; cut < all.length; cut++) {
      const stream = new PassThrough();
      const { received, errors } = listen(stream);
      stream.emit('data', all.subarray(0, cut));
      stream.emit('data', all.subarray(cut));
      expect(received).toEqual(messages);
      expect(errors).toEqual([]);
    }
  });

  it('reassembles a large body from many small chunks', () => {
    const big: NotificationMessage = { jsonrpc: '2.0', method: 'big', params: { text: 'x'.repeat(300_000) } };
    const bytes = frame(big);
    const stream = new PassThrough();
    const { received } = listen(stream);
    for (let i = 0; i < bytes.length; i += 997) stream.emit('data', bytes.subarray(i, i + 997));
    expect(received).toEqual([big]);
  });

  it('reports a header without a Content-Length, and a body that is not JSON, as errors and reads no further', () => {
    const a = new PassThrough();
    const first = listen(a);
    a.emit('data', Buffer.concat([Buffer.from('Content-Type: x\r\n\r\n{}'), frame(messages[0]!)]));
    expect(first.errors.map((e) => e.message)).toEqual(['frame header has no valid Content-Length']);
    expect(first.received).toEqual([]);

    const b = new PassThrough();
    const second = listen(b);
    b.emit('data', Buffer.concat([Buffer.from('Content-Length: 3\r\n\r\n{x}'), frame(messages[0]!)]));
    expect(second.errors[0]?.message).toMatch(/^frame body is not JSON/);
    expect(second.received).toEqual([]);
  });

  it('reports the stream closing, and stops handing messages on once disposed', () => {
    const stream = new PassThrough();
    const reader = new FrameReader(stream);
    const received: Message[] = [];
    let closed = 0;
    reader.onClose(() => closed++);
    const listening = reader.listen((m) => received.push(m));
    stream.emit('close');
    expect(closed).toBe(1);
    listening.dispose();
    stream.emit('data', frame(messages[0]!));
    expect(received).toEqual([]);
  });
});
