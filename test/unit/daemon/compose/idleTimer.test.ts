import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleTimer } from '../../../../daemon/compose/idleTimer';

describe('IdleTimer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once the daemon has been idle for the timeout, and not while it is busy', async () => {
    const onIdle = vi.fn();
    const timer = new IdleTimer({ timeoutMs: 1000, pendingWork: () => Promise.resolve(0), onIdle });
    timer.idleChanged(true);
    await vi.advanceTimersByTimeAsync(999);
    timer.idleChanged(false);
    await vi.advanceTimersByTimeAsync(5000);
    expect(onIdle).not.toHaveBeenCalled();
    timer.idleChanged(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('waits again while background work is pending', async () => {
    const onIdle = vi.fn();
    let pending = 2;
    const timer = new IdleTimer({ timeoutMs: 1000, pendingWork: () => Promise.resolve(pending), onIdle });
    timer.idleChanged(true);
    await vi.advanceTimersByTimeAsync(3000);
    expect(onIdle).not.toHaveBeenCalled();
    pending = 0;
    await vi.advanceTimersByTimeAsync(1000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('never fires after stop', async () => {
    const onIdle = vi.fn();
    const timer = new IdleTimer({ timeoutMs: 1000, pendingWork: () => Promise.resolve(0), onIdle });
    timer.idleChanged(true);
    timer.stop();
    timer.idleChanged(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(onIdle).not.toHaveBeenCalled();
  });
});
