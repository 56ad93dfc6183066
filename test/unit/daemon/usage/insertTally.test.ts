import { describe, expect, it } from 'vitest';
import { InsertTally } from '../../../../daemon/usage/insertTally';

function deferred(): { promise: Promise<boolean>; resolve: (ok: boolean) => void; reject: (e: Error) => void } {
  let resolve!: (ok: boolean) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<boolean>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('InsertTally', () => {
  it('is settled at once with nothing tracked', async () => {
    expect(await new InsertTally().settled()).toBe(true);
  });

  it('resolves only after the last insert settled, true when all committed', async () => {
    const tally = new InsertTally();
    const a = deferred();
    const b = deferred();
    tally.track(a.promise);
    tally.track(b.promise);
    const order: string[] = [];
    const settled = tally.settled().then((ok) => {
      order.push('settled');
      return ok;
    });
    a.resolve(true);
    await a.promise;
    order.push('a done');
    b.resolve(true);
    expect(await settled).toBe(true);
    expect(order).toEqual(['a done', 'settled']);
  });

  it('says false when one insert did not commit or failed, so the segment is kept', async () => {
    const notCommitted = new InsertTally();
    notCommitted.track(Promise.resolve(true));
    notCommitted.track(Promise.resolve(false));
    expect(await notCommitted.settled()).toBe(false);
    const failed = new InsertTally();
    const d = deferred();
    failed.track(d.promise);
    d.reject(new Error('SQLITE_FULL'));
    expect(await failed.settled()).toBe(false);
  });
});
