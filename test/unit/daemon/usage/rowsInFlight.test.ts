import { describe, expect, it } from 'vitest';
import { RowsInFlight } from '../../../../daemon/usage/rowsInFlight';

/** An insert the test settles by hand, as the SQLite thread would. */
function held(): { insert: Promise<boolean>; done: () => void } {
  let done!: () => void;
  const insert = new Promise<boolean>((resolve) => (done = () => resolve(true)));
  return { insert, done };
}

describe('rows in flight', () => {
  it('lets a writer past the count bound only once the oldest insert settles, and forgets settled rows', async () => {
    const rows = new RowsInFlight(2, 1e9);
    const a = held();
    const b = held();
    const c = held();
    rows.add(a.insert, ['a']);
    rows.add(b.insert, ['b']);
    await rows.withinBound(); // two of two: no wait
    rows.add(c.insert, ['c']);
    let through = false;
    const waiting = rows.withinBound().then(() => (through = true));
    // The waiter waits on the oldest insert: the newest settling first does not let it through.
    c.done();
    await c.insert;
    await Promise.resolve();
    expect(rows.size).toBe(2);
    expect(through).toBe(false);
    // Two again, so the waiter goes through once it is woken by the oldest.
    a.done();
    await waiting;
    expect(through).toBe(true);
    expect(rows.size).toBe(1);
    b.done();
    await rows.settled();
    expect(rows.size).toBe(0);
  });

  it('bounds by weight, always lets one row through, and gives the weight back when a row settles', async () => {
    const big = 'x'.repeat(10_000);
    const rows = new RowsInFlight(1_000, 25_000);
    const lone = held();
    rows.add(lone.insert, ['x'.repeat(100_000)]);
    await rows.withinBound(); // one row alone passes, however heavy
    lone.done();
    await rows.settled();
    const [a, b, c] = [held(), held(), held()];
    for (const r of [a, b, c]) rows.add(r.insert, [big]);
    const waiting = rows.withinBound(); // about 30 kB: over the bound
    a.done();
    await waiting; // about 20 kB once a's weight is given back
    expect(rows.size).toBe(2);
    b.done();
    c.done();
    await rows.settled();
    // Two more rows pass at once only if every settled row gave its weight back (else this hangs).
    const [d, e] = [held(), held()];
    rows.add(d.insert, [big]);
    rows.add(e.insert, [big]);
    await rows.withinBound();
    d.done();
    e.done();
    await rows.settled();
    expect(rows.size).toBe(0);
  });
});
