import { describe, expect, it } from 'vitest';
import { BatchWriter } from '../../../../daemon/usage/batchWriter';

describe('BatchWriter (group commit)', () => {
  it('writes items that arrive during a write together in the next batch', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const writer = new BatchWriter<number, boolean>(async (items) => {
      batches.push(items);
      if (batches.length === 1)
        await new Promise<void>((r) => {
          release = r;
        });
      return items.map(() => true);
    });
    const first = writer.add(0);
    const rest = [1, 2, 3].map((i) => writer.add(i));
    release();
    expect(await Promise.all([first, ...rest])).toEqual([true, true, true, true]);
    expect(batches).toEqual([[0], [1, 2, 3]]);
  });

  it('never strands an item added in the instant a flush finishes', async () => {
    const writer = new BatchWriter<number, number>(async (items) => items.map((i) => i * 2));
    // Each add is made straight from the previous one's resolution: the moment the old flush
    // sees an empty queue and ends.
    let chain: Promise<number> = writer.add(0);
    for (let i = 1; i <= 200; i++) chain = chain.then(() => writer.add(i));
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('an item was never written')), 2000),
    );
    expect(await Promise.race([chain, timeout])).toBe(400);
  });

  it('rejects the items of a failed batch and goes on with the next', async () => {
    let calls = 0;
    const writer = new BatchWriter<number, boolean>(async (items) => {
      if (calls++ === 0) throw new Error('disk on fire');
      return items.map(() => true);
    });
    await expect(writer.add(1)).rejects.toThrow('disk on fire');
    await expect(writer.add(2)).resolves.toBe(true);
  });
});
