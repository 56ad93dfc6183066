import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { captureLog, makeRecord, tempDir } from './records';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const onPosix = process.platform !== 'win32';
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A tiny tmpfs: a real full disk. Only root can mount one (CI runs as root). */
function smallTmpfs(sizeKb: number): string {
  const dir = tempDir('conduit-tmpfs-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'tmpfs', dir]);
  cleanups.push(() => {
    try {
      execFileSync('umount', ['-l', dir]);
    } catch {
      /* already gone */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

function bigSample(): { prompt: string; response: string } {
  return { prompt: 'p'.repeat(6000), response: 'r'.repeat(6000) };
}

describe('a ledger that cannot write', () => {
  it.skipIf(!isRoot || !onPosix)(
    'full disk (a 640 KiB tmpfs): record() returns recorded:false, never throws, and says why; freeing space recovers',
    async () => {
      // Room for the schema (the rollup tables and their indexes) and a few big rows, then full.
      const dir = smallTmpfs(640);
      const { lines, log } = captureLog();
      const ledger = UsageLedger.inHome(dir, { log });
      cleanups.push(() => void ledger.close());
      await ledger.open();
      expect(ledger.status().state).toBe('ok');
      let outcome = { recorded: true };
      let written = 0;
      for (let i = 0; i < 200 && outcome.recorded; i++) {
        outcome = await ledger.record(makeRecord({ sample: bigSample() }));
        if (outcome.recorded) written++;
      }
      expect(outcome).toEqual({ recorded: false });
      expect(written).toBeGreaterThan(0);
      expect(ledger.status().state).toBe('degraded');
      expect(ledger.status().degraded).toBe(`disk full — requests are not being recorded; free space in ${dir}`);
      expect(ledger.status().unrecorded).toBeGreaterThanOrEqual(1);
      // Still no throw on the next ones, and one log line for the transition, not one per request.
      for (let i = 0; i < 5; i++)
        expect(await ledger.record(makeRecord({ sample: bigSample() }))).toEqual({ recorded: false });
      expect(lines.filter((l) => l.level === 'error' && /disk full/.test(l.msg))).toHaveLength(1);
      // Small rows may still fit in a page that a big one could not: that is fine, what matters
      // is that space coming back brings recording back.
      execFileSync('mount', ['-o', 'remount,size=4m', dir]);
      expect(await ledger.record(makeRecord({ sample: bigSample() }))).toEqual({ recorded: true });
      expect(ledger.status()).toMatchObject({ state: 'ok', degraded: null });
    },
  );

  it.skipIf(!isRoot || !onPosix)(
    'a store that cannot be created (full before the first page): degraded from the start, requests go on',
    async () => {
      const dir = smallTmpfs(4);
      fs.writeFileSync(path.join(dir, 'filler'), Buffer.alloc(4096));
      const ledger = UsageLedger.inHome(dir, { reopenAfterMs: 0 });
      cleanups.push(() => void ledger.close());
      await ledger.open();
      expect(ledger.status().state).toBe('degraded');
      expect(ledger.status().degraded).toMatch(/requests are not being recorded/);
      expect(await ledger.record(makeRecord())).toEqual({ recorded: false });
    },
  );

  it.skipIf(!onPosix)(
    'read-only store (root: a read-only remount; others: chmod 0500): degraded at open with the cause named, recorded:false',
    async () => {
      let dir: string;
      if (isRoot) {
        dir = smallTmpfs(1024);
      } else {
        dir = tempDir();
        cleanups.push(() => {
          fs.chmodSync(dir, 0o700);
          fs.rmSync(dir, { recursive: true, force: true });
        });
      }
      const writable = UsageLedger.inHome(dir);
      await writable.open();
      expect(await writable.record(makeRecord())).toEqual({ recorded: true });
      await writable.close();
      if (isRoot) {
        // chmod does not stop root; a read-only mount does.
        execFileSync('mount', ['-o', 'remount,ro', dir]);
      } else {
        fs.chmodSync(path.join(dir, 'usage.db'), 0o400);
        fs.chmodSync(dir, 0o500);
      }
      const { lines, log } = captureLog();
      const ledger = UsageLedger.inHome(dir, { log });
      cleanups.push(() => void ledger.close());
      await ledger.open();
      expect(ledger.status().state).toBe('degraded');
      expect(ledger.status().degraded).toBe(
        `read-only store — requests are not being recorded; make ${dir} and ${path.join(dir, 'usage.db')} writable`,
      );
      expect(lines.filter((l) => l.level === 'error')).toHaveLength(1);
      await expect(ledger.record(makeRecord())).resolves.toEqual({ recorded: false });
      expect(ledger.status().unrecorded).toBe(1);
    },
  );

  it('a ledger directory that cannot be created: degraded, and record() keeps answering', async () => {
    const parent = tempDir();
    cleanups.push(() => fs.rmSync(parent, { recursive: true, force: true }));
    const blocker = path.join(parent, 'not-a-dir');
    fs.writeFileSync(blocker, 'a file where the directory should be');
    const ledger = new UsageLedger({ file: path.join(blocker, 'usage.db'), reopenAfterMs: 0 });
    await ledger.open();
    expect(ledger.status().state).toBe('degraded');
    expect(ledger.status().degraded).toMatch(/requests are not being recorded/);
    await expect(ledger.record(makeRecord())).resolves.toEqual({ recorded: false });
    expect(() => ledger.reader()).toThrow(/usage ledger is unavailable/);
    await ledger.close();
  });
});
