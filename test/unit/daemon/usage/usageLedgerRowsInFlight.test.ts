import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countRows } from '../../../../daemon/usage/ledgerQueries';
import { MAX_ROWS_IN_FLIGHT, UsageLedger } from '../../../../daemon/usage/usageLedger';
import { makeRecord, tempDir } from './records';

const dirs: string[] = [];
const ledgers: UsageLedger[] = [];
const stalls: (() => void)[] = [];
afterEach(async () => {
  // A failed assertion must not leave a write held: close() waits for the writes.
  for (const release of stalls.splice(0)) release();
  for (const l of ledgers.splice(0)) await l.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function journaled(maxRowsInFlight: number, maxBytesInFlight?: number): UsageLedger {
  const d = tempDir('conduit-inflight-');
  dirs.push(d);
  const ledger = new UsageLedger({
    file: path.join(d, 'usage.db'),
    journal: true,
    ackAfterFsync: true,
    maxRowsInFlight,
    ...(maxBytesInFlight ? { maxBytesInFlight } : {}),
  });
  ledgers.push(ledger);
  return ledger;
}

/** Holds the ledger's writes (as a slow SQLite thread would) until the returned function is called. */
function stallWrites(ledger: UsageLedger): () => void {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  void ledger.reader().write(() => held);
  stalls.push(release);
  return release;
}

describe('the ledger: journaled rows on their way into SQLite are bounded by count (issue #23)', () => {
  it('acknowledges no more rows than the bound while SQLite is behind, after bound + 1,000 records', async () => {
    const bound = 8;
    const ledger = journaled(bound);
    await ledger.open();
    const release = stallWrites(ledger);
    let acked = 0;
    const ack = (p: Promise<{ recorded: boolean }>) =>
      p.then((r) => {
        acked++;
        return r;
      });
    // Up to the bound, replies do not wait for SQLite (the rows are durable in the journal).
    for (let i = 0; i < bound; i++) await ack(ledger.record(makeRecord({ requestId: `early-${i}` })));
    expect(acked).toBe(bound);
    expect(ledger.rowsInFlight).toBe(bound);
    // Past it, each row is journaled (it counts as in flight) and its reply waits for SQLite.
    const late = Array.from({ length: 1000 }, (_, i) => ack(ledger.record(makeRecord({ requestId: `late-${i}` }))));
    await vi.waitFor(() => expect(ledger.rowsInFlight).toBe(bound + 1000), { timeout: 30_000, interval: 5 });
    // Every late row is in the journal and SQLite has taken none: no late reply can have gone out.
    expect(acked).toBe(bound);
    release();
    expect(await Promise.all(late)).toEqual(Array(1000).fill({ recorded: true }));
    await ledger.settled();
    expect(ledger.rowsInFlight).toBe(0);
    expect(await countRows(ledger.reader())).toBe(bound + 1000);
  });

  it('bounds sampled rows by their bytes too: rows of 100,000-character samples wait sooner', async () => {
    const ledger = journaled(1024, 1_000_000);
    await ledger.open();
    const release = stallWrites(ledger);
    const sample = { prompt: 'p'.repeat(100_000), response: 'r'.repeat(100_000) };
    let acked = 0;
    const rows = Array.from({ length: 20 }, (_, i) =>
      ledger.record(makeRecord({ requestId: `sampled-${i}`, sample })).then((r) => (acked++, r)),
    );
    await vi.waitFor(() => expect(ledger.rowsInFlight).toBe(20), { timeout: 30_000, interval: 5 });
    // 200,000 characters a row: the fifth row takes the rows past 1,000,000 bytes, so four are answered.
    expect(acked).toBe(4);
    release();
    expect(await Promise.all(rows)).toEqual(Array(20).fill({ recorded: true }));
    expect(await countRows(ledger.reader())).toBe(20);
  });

  it('keeps replies off SQLite below the bound: the default is well above a steady load’s backlog', async () => {
    expect(MAX_ROWS_IN_FLIGHT).toBe(1024);
    const ledger = journaled(MAX_ROWS_IN_FLIGHT);
    await ledger.open();
    const release = stallWrites(ledger);
    // 300 rows (more than bench/memory.ts's backlog at 16 at a time) are acknowledged with SQLite held.
    const acks = await Promise.all(
      Array.from({ length: 300 }, (_, i) => ledger.record(makeRecord({ requestId: `steady-${i}` }))),
    );
    expect(acks).toEqual(Array(300).fill({ recorded: true }));
    expect(ledger.rowsInFlight).toBe(300);
    release();
    await ledger.settled();
    expect(await countRows(ledger.reader())).toBe(300);
  });
});
