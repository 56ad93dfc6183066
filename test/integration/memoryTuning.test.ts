import { describe, expect, it } from 'vitest';
import { DAEMON_V8_FLAGS } from '../../daemon/client/daemonRuntime';
import { ONE_PROVIDER, useDaemonAndFake } from './harness';

/**
 * The daemon as a client starts it (the real spawner, the real process): it runs with the V8 flags
 * and, on Linux, the malloc settings that keep its memory down (issue #23), and says so in its
 * status, read from its own process.execArgv and environment.
 */
describe('memory tuning of the spawned daemon', () => {
  // Unset here, so the spawner's defaults are what the daemon gets whatever the test runner's env holds.
  const ctx = useDaemonAndFake({
    env: { ...ONE_PROVIDER, MALLOC_ARENA_MAX: undefined, MALLOC_TRIM_THRESHOLD_: undefined, NODE_OPTIONS: undefined },
  });

  it('reports the flags it was started with, and the malloc settings on Linux only', async () => {
    const client = await ctx.h.connect();
    try {
      const status = await client.status();
      expect(status.memoryTuning?.execArgv).toEqual(expect.arrayContaining([...DAEMON_V8_FLAGS]));
      expect(status.memoryTuning?.malloc).toEqual(
        process.platform === 'linux' ? { MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072' } : {},
      );
    } finally {
      client.close();
    }
  });
});
