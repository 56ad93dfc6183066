import { afterEach, describe, expect, it, vi } from 'vitest';
import { FrameSplitter } from '../../../../daemon/client/frameSplitter';

const frame = (message: unknown): Buffer => {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
};

function pieces(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe('FrameSplitter', () => {
  it('hands on each message once it is whole, in order, however the bytes are cut', () => {
    const stream = Buffer.concat([frame({ id: 1, text: 'héllo' }), frame({ id: 2 }), frame({ id: 3, a: [1, 2] })]);
    for (const size of [1, 3, 7, stream.length]) {
      const splitter = new FrameSplitter();
      const got: unknown[] = [];
      for (const p of pieces(stream, size)) expect(splitter.push(p, (m) => got.push(m))).toBeUndefined();
      expect(got).toEqual([{ id: 1, text: 'héllo' }, { id: 2 }, { id: 3, a: [1, 2] }]);
    }
  });

  it('joins a large frame once when its last bytes arrive, not again on every read', () => {
    const big = frame({ id: 1, text: 'x'.repeat(1024 * 1024) });
    const splitter = new FrameSplitter();
    const got: unknown[] = [];
    const concat = vi.spyOn(Buffer, 'concat');
    for (const p of pieces(big, 1024)) splitter.push(p, (m) => got.push(m));
    expect(got).toHaveLength(1);
    // The header's first read and the whole frame: a join per read would be about a thousand.
    expect(concat.mock.calls.length).toBeLessThanOrEqual(3);
  });

  it('refuses a stream that is not this protocol, keeping nothing of it', () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('Content-Type: x\r\n\r\n{}'), /no Content-Length/],
      [Buffer.from('Content-Length: 2\r\n\r\n{x'), /not JSON/],
      [Buffer.alloc(9000, 'a'), /no header end/],
    ];
    for (const [bytes, why] of cases) {
      const splitter = new FrameSplitter();
      const got: unknown[] = [];
      expect(splitter.push(bytes, (m) => got.push(m))?.message).toMatch(why);
      expect(got).toEqual([]);
      // Nothing of the bad stream is left to spoil what a reset splitter reads next.
      expect(splitter.push(frame({ id: 9 }), (m) => got.push(m))).toBeUndefined();
      expect(got).toEqual([{ id: 9 }]);
    }
  });

  it('stops handing on messages when a handler resets it', () => {
    const splitter = new FrameSplitter();
    const got: unknown[] = [];
    splitter.push(Buffer.concat([frame({ id: 1 }), frame({ id: 2 })]), (m) => {
      got.push(m);
      splitter.reset();
    });
    expect(got).toEqual([{ id: 1 }]);
  });
});
