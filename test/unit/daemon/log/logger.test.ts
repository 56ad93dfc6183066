import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redactor } from '../../../../daemon/guard/redact';
import { Logger, MAX_UNWRITTEN_BYTES } from '../../../../daemon/log/logger';

/** A disk that takes writes and finishes none until `release()`: what a stalled disk looks like to a stream. */
class StalledDisk extends Writable {
  readonly written: string[] = [];
  private held: (() => void)[] = [];
  constructor() {
    super({ highWaterMark: 16 * 1024 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.written.push(chunk.toString());
    this.held.push(() => done());
  }
  release(): void {
    const held = this.held;
    this.held = [];
    for (const done of held) done();
  }
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-logger-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const bigLine = 'x'.repeat(100 * 1024);

describe('Logger on a disk that does not keep up', () => {
  it('stops queueing past its bound, counts what it dropped and says so once the disk catches up', async () => {
    const disk = new StalledDisk();
    const log = new Logger({ dir, redactor: new Redactor(), openStream: () => disk });
    // Each line is past the batch size, so each is handed to the stream at once.
    const lines = Math.ceil((2 * MAX_UNWRITTEN_BYTES) / bigLine.length);
    for (let i = 0; i < lines; i++) log.info('request', { body: bigLine, i });
    // Without the bound every line would be queued: twice the bound.
    expect(disk.writableLength).toBeLessThan(MAX_UNWRITTEN_BYTES + 2 * bigLine.length);
    const queued = disk.writableLength;
    disk.release();
    // The first chunk was in _write; the rest drain through it as each is released.
    while (disk.writableLength > 0) {
      await new Promise<void>((r) => setImmediate(r));
      disk.release();
    }
    expect(queued).toBeGreaterThanOrEqual(MAX_UNWRITTEN_BYTES);
    log.info('after', {});
    log.flush();
    disk.release();
    const records = disk.written
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; dropped?: number; i?: number });
    const notice = records.find((r) => r.msg.startsWith('log lines dropped'));
    const kept = records.filter((r) => r.msg === 'request').length;
    expect(notice?.dropped).toBe(lines - kept);
    expect(kept).toBeLessThan(lines);
    expect(records[records.length - 1]!.msg).toBe('after');
  });

  it('opens the file again after a failed write, so lines are logged once there is room', () => {
    let opened = 0;
    const streams: Writable[] = [];
    const log = new Logger({
      dir,
      redactor: new Redactor(),
      openStream: () => {
        opened++;
        const got: string[] = [];
        const s = new Writable({
          write(chunk: Buffer, _enc, done) {
            got.push(chunk.toString());
            done();
          },
        });
        (s as Writable & { got: string[] }).got = got;
        streams.push(s);
        return s;
      },
    });
    streams[0]!.destroy(new Error('ENOSPC: no space left on device'));
    streams[0]!.on('error', () => undefined);
    log.warn('after the full disk', {});
    expect(opened).toBe(2);
    expect((streams[1] as Writable & { got: string[] }).got.join('')).toContain('after the full disk');
  });
});
