import { describe, expect, it } from 'vitest';
import { deadline, within } from '../../../extension/firstPaintWait';

/** The race behind the panel's first HTML: the first-paint part against the wait. No clock is read. */
describe('within', () => {
  it('gives the value when it is in before the deadline', async () => {
    const never = new Promise<void>(() => undefined);
    expect(await within(Promise.resolve(42), never)).toBe(42);
  });

  it('gives nothing when the daemon has not answered by the deadline: the page opens without the cards', async () => {
    const unanswered = new Promise<number>(() => undefined);
    expect(await within(unanswered, Promise.resolve())).toBeUndefined();
  });

  it('gives nothing when the read failed (a daemon that is down), without waiting for the deadline', async () => {
    const never = new Promise<void>(() => undefined);
    expect(await within(Promise.reject(new Error('ECONNREFUSED')), never)).toBeUndefined();
  });

  it('a value that lands after the deadline is not taken', async () => {
    let land!: (n: number) => void;
    const late = new Promise<number>((r) => (land = r));
    const result = within(late, Promise.resolve());
    land(1);
    expect(await result).toBeUndefined();
  });

  it('a cancelled deadline keeps no timer (the race is decided)', async () => {
    const d = deadline(60_000);
    d.cancel();
    expect(await within(Promise.resolve('in'), d.done)).toBe('in');
  });
});
