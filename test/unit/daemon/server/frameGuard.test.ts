import { describe, expect, it } from 'vitest';
import { FrameGuard, PRE_AUTH_MAX_BYTES } from '../../../../daemon/server/frameGuard';

function frame(body: string, extraHeaders = ''): Buffer {
  return Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n${extraHeaders}\r\n${body}`);
}

function run(max: number, chunks: Buffer[], authed = true): Promise<{ out: Buffer; error?: Error }> {
  return new Promise((resolve) => {
    const guard = new FrameGuard(max);
    if (authed) guard.authenticated();
    const out: Buffer[] = [];
    guard.on('data', (d: Buffer) => out.push(d));
    guard.on('error', (error) => resolve({ out: Buffer.concat(out), error }));
    guard.on('end', () => resolve({ out: Buffer.concat(out) }));
    for (const c of chunks) guard.write(c);
    guard.end();
  });
}

describe('FrameGuard', () => {
  it('passes well-formed frames through byte for byte', async () => {
    const input = Buffer.concat([
      frame('{"a":1}'),
      frame('{"b":"é"}', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n'),
    ]);
    const { out, error } = await run(1024, [input]);
    expect(error).toBeUndefined();
    expect(out.equals(input)).toBe(true);
  });

  it('handles frames split at every byte, including inside the header terminator', async () => {
    const input = Buffer.concat([frame('{"x":[1,2,3]}'), frame('{}')]);
    const chunks = [...input].map((b) => Buffer.from([b]));
    const { out, error } = await run(1024, chunks);
    expect(error).toBeUndefined();
    expect(out.equals(input)).toBe(true);
  });

  it('rejects a Content-Length above the limit before reading the body', async () => {
    const { error } = await run(1000, [Buffer.from('Content-Length: 2147483648\r\n\r\n')]);
    expect(error?.message).toMatch(/exceeds the 1000-byte limit/);
  });

  it('rejects garbage without a header terminator once it passes the header cap', async () => {
    const { error } = await run(1 << 20, [Buffer.alloc(4096, 'x')]);
    expect(error?.message).toMatch(/header too long/);
  });

  it('rejects a header without Content-Length, or with a non-numeric one', async () => {
    expect((await run(1024, [Buffer.from('Content-Type: x\r\n\r\n{}')])).error?.message).toMatch(/Content-Length/);
    expect((await run(1024, [Buffer.from('Content-Length: 12abc\r\n\r\n{}')])).error?.message).toMatch(
      /Content-Length/,
    );
  });

  it('caps frames at a few KB until the handshake, then at the normal limit', async () => {
    const big = frame(JSON.stringify({ pad: 'x'.repeat(PRE_AUTH_MAX_BYTES) }));
    const before = await run(1 << 20, [Buffer.from(`Content-Length: ${PRE_AUTH_MAX_BYTES + 1}\r\n\r\n`)], false);
    expect(before.error?.message).toMatch(
      new RegExp(`exceeds the ${PRE_AUTH_MAX_BYTES}-byte limit before the handshake`),
    );
    const small = frame('{"jsonrpc":"2.0"}');
    expect((await run(1 << 20, [small], false)).error).toBeUndefined();
    const after = await run(1 << 20, [big], true);
    expect(after.error).toBeUndefined();
    expect(after.out.equals(big)).toBe(true);
  });
});
