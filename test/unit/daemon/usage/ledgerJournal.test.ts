import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LedgerJournal } from '../../../../daemon/usage/ledgerJournal';
import { countRows } from '../../../../daemon/usage/ledgerQueries';
import { recordParams } from '../../../../daemon/usage/ledgerRow';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { captureLog, makeRecord, tempDir } from './records';

const dirs: string[] = [];
const ledgers: UsageLedger[] = [];
afterEach(async () => {
  for (const l of ledgers.splice(0)) await l.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function dbFile(): string {
  const d = tempDir('conduit-journal-');
  dirs.push(d);
  return path.join(d, 'usage.db');
}

function journaled(file: string, opts: Partial<ConstructorParameters<typeof UsageLedger>[0]> = {}): UsageLedger {
  const ledger = new UsageLedger({ file, journal: true, ackAfterFsync: true, ...opts });
  ledgers.push(ledger);
  return ledger;
}

const ids = async (ledger: UsageLedger): Promise<string[]> =>
  (await ledger.reader().all<{ request_id: string }>('SELECT request_id FROM requests ORDER BY request_id')).map(
    (r) => r.request_id,
  );

describe('the ledger journal (durable rows without a thread on the reply path)', () => {
  it('acknowledges rows only after the fdatasync of the group holding them; rows of one turn share one', async () => {
    const file = dbFile();
    const events: string[] = [];
    let seenAtSync = '';
    const ledger = journaled(file, {
      syncJournal: (fd) => {
        events.push('fdatasync');
        seenAtSync = fs.readFileSync(LedgerJournal.leftBehind(file)[0]!, 'utf8');
        expect(fd).toBeGreaterThan(0);
      },
    });
    await ledger.open();
    const records = Array.from({ length: 5 }, (_, i) => makeRecord({ requestId: `group-${i}` }));
    const acks = await Promise.all(
      records.map((r) => ledger.record(r).then((ack) => (events.push(`ack ${r.requestId}`), ack))),
    );
    expect(acks).toEqual(Array(5).fill({ recorded: true }));
    expect(events[0]).toBe('fdatasync');
    expect(events.filter((e) => e === 'fdatasync')).toHaveLength(1);
    // Every acknowledged row was in the file when it was flushed.
    for (const r of records) expect(seenAtSync).toContain(`"${r.requestId}"`);
    await ledger.settled();
    expect(await countRows(ledger.reader())).toBe(5);
  });

  it('replays the rows a crash left at the next open, once each, skipping a torn line, then deletes the segment', async () => {
    const file = dbFile();
    const first = journaled(file);
    await first.open();
    const committed = makeRecord({ requestId: 'already-in-sqlite' });
    await first.record(committed);
    await first.close();
    // What a crash leaves: a segment whose first row SQLite already has, a row it has not, a
    // write cut short, and blocks a power cut left as zeros.
    const now = Date.now();
    fs.writeFileSync(
      `${file}.rows-7`,
      `${JSON.stringify(recordParams(committed, now))}\n${JSON.stringify(recordParams(makeRecord({ requestId: 'only-in-journal' }), now))}\n["torn-row", 12` +
        '\0'.repeat(64),
    );
    const log = captureLog();
    const second = journaled(file, { log: log.log });
    await second.open();
    expect(await ids(second)).toEqual(['already-in-sqlite', 'only-in-journal']);
    expect(LedgerJournal.leftBehind(file)).toEqual([]);
    expect(log.lines.map((l) => l.msg)).toContain('usage ledger: rows from the journal replayed after an unclean stop');
    // New segments are numbered after the replayed one.
    await second.record(makeRecord({ requestId: 'after-replay' }));
    expect(LedgerJournal.leftBehind(file)).toEqual([`${file}.rows-8`]);
  });

  it('retires a full segment and an idle one once SQLite holds their rows, and close() leaves none', async () => {
    const file = dbFile();
    const ledger = journaled(file, { journalSegmentBytes: 600, journalIdleMs: 5 });
    await ledger.open();
    for (let i = 0; i < 12; i++) await ledger.record(makeRecord({ requestId: `seg-${String(i).padStart(2, '0')}` }));
    // The idle timer retires the last segment once no row arrives, leaving only the empty spare
    // made for the next request; wait for that event.
    const onlySpare = () => {
      const left = LedgerJournal.leftBehind(file);
      return left.length === 1 && fs.statSync(left[0]!).size === 0;
    };
    while (!onlySpare()) await new Promise((r) => setTimeout(r, 5));
    expect(await countRows(ledger.reader())).toBe(12);
    await ledger.record(makeRecord({ requestId: 'seg-last' }));
    await ledger.close();
    expect(LedgerJournal.leftBehind(file)).toEqual([]);
  });

  it('after an idle spell, the next row goes into a segment made while idle: no directory fsync on its reply path', async () => {
    const file = dbFile();
    const events: string[] = [];
    const ledger = journaled(file, {
      journalIdleMs: 5,
      syncJournal: () => events.push('fdatasync'),
      syncJournalDir: () => events.push('dir fsync'),
    });
    await ledger.open();
    await ledger.record(makeRecord({ requestId: 'idle-0' }));
    // The first segment is made on the first row's path.
    expect(events).toEqual(['dir fsync', 'fdatasync']);
    // The idle timer seals it and makes the spare (its directory fsync is the observable event).
    while (events.length < 3) await new Promise((r) => setTimeout(r, 5));
    expect(events).toEqual(['dir fsync', 'fdatasync', 'dir fsync']);
    const spare = LedgerJournal.leftBehind(file).at(-1)!;
    expect(fs.statSync(spare).size).toBe(0);
    events.length = 0;
    await ledger.record(makeRecord({ requestId: 'idle-1' }));
    expect(events).toEqual(['fdatasync']);
    expect(fs.readFileSync(spare, 'utf8')).toContain('"idle-1"');
    await ledger.close();
    expect(LedgerJournal.leftBehind(file)).toEqual([]);
    // Both rows are in SQLite after the close, none lost with the spare.
    const reopened = journaled(file);
    await reopened.open();
    expect(await ids(reopened)).toEqual(['idle-0', 'idle-1']);
  });

  it('when the journal cannot be written, rows go to SQLite before the reply, with a warning, and none is lost', async () => {
    const file = dbFile();
    const log = captureLog();
    const ledger = journaled(file, {
      log: log.log,
      syncJournal: () => {
        throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
      },
    });
    await ledger.open();
    expect(await ledger.record(makeRecord({ requestId: 'fallback-1' }))).toEqual({ recorded: true });
    // Committed before record() resolved: no settled() needed.
    expect(await ids(ledger)).toEqual(['fallback-1']);
    expect(log.lines.map((l) => l.msg).join('\n')).toMatch(/journal cannot be written/);
    expect(await ledger.record(makeRecord({ requestId: 'fallback-2' }))).toEqual({ recorded: true });
    expect(await ids(ledger)).toEqual(['fallback-1', 'fallback-2']);
  });
});
