import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { countRows } from '../../../../daemon/usage/ledgerQueries';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { WalSync } from '../../../../daemon/usage/walSync';
import { makeRecord, tempDir } from './records';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function dir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

/** An fsync the test completes by hand, counting the calls. */
function heldFsync(): { syncFd: (fd: number) => Promise<void>; calls: number; releaseAll(): void; failNext?: Error } {
  const waiting: Array<() => void> = [];
  const h = {
    calls: 0,
    failNext: undefined as Error | undefined,
    syncFd: (_fd: number) => {
      h.calls++;
      if (h.failNext) {
        const err = h.failNext;
        h.failNext = undefined;
        return Promise.reject(err);
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    releaseAll: () => {
      for (const r of waiting.splice(0)) r();
    },
  };
  return h;
}

const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
};

describe('WalSync', () => {
  it('callers that arrive during an fsync wait for the next one, and share it', async () => {
    const file = path.join(dir(), 'x-wal');
    fs.writeFileSync(file, 'frames');
    const fsync = heldFsync();
    const sync = new WalSync(file, fsync.syncFd);
    const first = sync.sync();
    const second = sync.sync();
    const third = sync.sync();
    expect(fsync.calls).toBe(1);
    fsync.releaseAll();
    await first;
    // The first fsync may have started before the later callers' writes: they are not done yet.
    expect(await settled(second)).toBe(false);
    expect(fsync.calls).toBe(2);
    fsync.releaseAll();
    await Promise.all([second, third]);
    expect(fsync.calls).toBe(2);
    await sync.close();
  });

  it('flushes a real file', async () => {
    const file = path.join(dir(), 'y-wal');
    fs.writeFileSync(file, 'frames');
    const sync = new WalSync(file);
    await sync.sync();
    await sync.close();
    await expect(sync.sync()).rejects.toThrow(/closed/);
  });
});

describe('UsageLedger durability off the reply path', () => {
  it('record() resolves once the row is written; durable() and close() wait for its fsync', async () => {
    const fsync = heldFsync();
    const ledger = new UsageLedger({ file: path.join(dir(), 'usage.db'), syncFd: fsync.syncFd });
    await ledger.open();
    expect((await ledger.reader().get<{ synchronous: number }>('PRAGMA synchronous'))?.synchronous).toBe(1);
    // Every record() resolves while the fsync is still held: the reply does not wait for the disk.
    expect(await Promise.all(Array.from({ length: 5 }, () => ledger.record(makeRecord())))).toEqual(
      Array(5).fill({ recorded: true }),
    );
    expect(await countRows(ledger.reader())).toBe(5);
    expect(fsync.calls).toBeGreaterThanOrEqual(1);
    const durable = ledger.durable();
    const closed = ledger.close();
    expect(await settled(durable)).toBe(false);
    expect(await settled(closed)).toBe(false);
    // Released until nothing is held: each fsync asked for after a commit has to finish.
    while (!(await settled(closed))) fsync.releaseAll();
    await durable;
  });

  it('when its own fsync fails, falls back to SQLite fsyncing every commit, and loses no row', async () => {
    const fsync = heldFsync();
    fsync.failNext = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const logs: string[] = [];
    const ledger = new UsageLedger({
      file: path.join(dir(), 'usage.db'),
      syncFd: fsync.syncFd,
      log: (_l, msg) => logs.push(msg),
    });
    await ledger.open();
    expect(await ledger.record(makeRecord())).toEqual({ recorded: true });
    await ledger.durable();
    expect(logs.join('\n')).toMatch(/could not fsync the WAL itself/);
    expect((await ledger.reader().get<{ synchronous: number }>('PRAGMA synchronous'))?.synchronous).toBe(2);
    const calls = fsync.calls;
    expect(await ledger.record(makeRecord())).toEqual({ recorded: true });
    await ledger.durable();
    expect(fsync.calls).toBe(calls);
    expect(await countRows(ledger.reader())).toBe(2);
    await ledger.close();
  });

  it('with ackAfterFsync (the daemon default) record() waits for the fsync, and rows written meanwhile share the next one', async () => {
    const fsync = heldFsync();
    const ledger = new UsageLedger({ file: path.join(dir(), 'usage.db'), syncFd: fsync.syncFd, ackAfterFsync: true });
    await ledger.open();
    const first = ledger.record(makeRecord());
    // The commit runs on SQLite's thread; wait until its fsync is asked for (and held).
    while (fsync.calls < 1) await new Promise((r) => setTimeout(r, 5));
    expect(await settled(first)).toBe(false);
    const more = Promise.all(Array.from({ length: 4 }, () => ledger.record(makeRecord())));
    fsync.releaseAll();
    expect(await first).toEqual({ recorded: true });
    while (fsync.calls < 2) await new Promise((r) => setTimeout(r, 5));
    expect(await settled(more)).toBe(false);
    fsync.releaseAll();
    expect(await more).toEqual(Array(4).fill({ recorded: true }));
    // One fsync for the first row and one for the four that queued behind it, not five.
    expect(fsync.calls).toBe(2);
    await ledger.close();
  });
});
