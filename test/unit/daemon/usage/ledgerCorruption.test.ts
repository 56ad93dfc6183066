import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { countRows } from '../../../../daemon/usage/ledgerQueries';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { captureLog, makeRecord, tempDir } from './records';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function home(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}

function corruptCopies(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.startsWith('usage.db.corrupt-'));
}

describe('a damaged ledger at startup', () => {
  it('a file of garbage bytes is moved aside, logged, and replaced by a working ledger', async () => {
    const dir = home();
    const garbage = Buffer.from('this is not a database; '.repeat(400));
    fs.writeFileSync(path.join(dir, 'usage.db'), garbage);
    const { lines, log } = captureLog();
    const ledger = UsageLedger.inHome(dir, { log });
    await ledger.open();
    try {
      expect(ledger.status()).toMatchObject({ state: 'ok', degraded: null });
      const moved = corruptCopies(dir);
      expect(moved).toHaveLength(1);
      expect(moved[0]).toMatch(/^usage\.db\.corrupt-\d{4}-\d{2}-\d{2}T/);
      // The old bytes are kept for the user, untouched.
      expect(fs.readFileSync(path.join(dir, moved[0]!)).equals(garbage)).toBe(true);
      const error = lines.find((l) => l.level === 'error');
      expect(error?.msg).toMatch(/damaged and has been moved aside; a new, empty ledger was created/);
      expect(error?.msg).toContain(path.join(dir, moved[0]!));
      expect(await ledger.record(makeRecord())).toEqual({ recorded: true });
      expect(await countRows(ledger.reader())).toBe(1);
    } finally {
      await ledger.close();
    }
  });

  it('a real database with damaged pages fails the check and is replaced, its WAL moved with it', async () => {
    const dir = home();
    const first = UsageLedger.inHome(dir);
    await first.open();
    await Promise.all(Array.from({ length: 2000 }, () => first.record(makeRecord({ feature: 'x'.repeat(100) }))));
    await first.reader().exec('PRAGMA wal_checkpoint(TRUNCATE)');
    await first.close();
    const file = path.join(dir, 'usage.db');
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(64 * 1024);
    // Scribble over pages in the middle, leaving the header (and so "is a database") intact.
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, 4096 * 3);
    fs.writeSync(fd, Buffer.alloc(8192, 0x5a), 0, 8192, Math.floor(size / 2 / 4096) * 4096);
    fs.closeSync(fd);
    fs.writeFileSync(`${file}-wal`, Buffer.alloc(0));

    const { lines, log } = captureLog();
    const ledger = UsageLedger.inHome(dir, { log });
    await ledger.open();
    try {
      expect(ledger.status().state).toBe('ok');
      expect(corruptCopies(dir).filter((f) => !f.endsWith('-wal'))).toHaveLength(1);
      expect(lines.some((l) => l.level === 'error' && /moved aside/.test(l.msg))).toBe(true);
      expect(await countRows(ledger.reader())).toBe(0);
      expect(await ledger.record(makeRecord())).toEqual({ recorded: true });
    } finally {
      await ledger.close();
    }
  });
});
