import { describe, expect, it } from 'vitest';
import { lazySchema } from '../../../../daemon/config/lazySchema';

describe('lazySchema', () => {
  it('builds nothing until first use, then builds once and returns the same value', () => {
    let builds = 0;
    const get = lazySchema(() => ({ n: ++builds }));
    expect(builds).toBe(0);
    const first = get();
    expect(get()).toBe(first);
    expect(builds).toBe(1);
  });

  it('keeps a built value that is falsy', () => {
    let builds = 0;
    const get = lazySchema(() => {
      builds++;
      return undefined;
    });
    get();
    get();
    expect(builds).toBe(1);
  });
});
