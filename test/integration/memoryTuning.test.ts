import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DaemonClient } from '../../daemon/client/daemonClient';
import { DAEMON_V8_FLAGS } from '../../daemon/client/daemonRuntime';
import { daemonPath, ONE_PROVIDER, useDaemonAndFake } from './harness';

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

describe('a runtime that refuses one of the daemon V8 flags', () => {
  const ctx = useDaemonAndFake({ env: { ...ONE_PROVIDER, NODE_OPTIONS: undefined } });

  it('still gets a daemon: the client connects to the second start, made without the flags', async () => {
    // A flag no V8 knows stands for one that a later runtime has dropped: Node exits with "bad option".
    const client = await DaemonClient.connect({
      client: 'other',
      home: ctx.h.home,
      autoStart: true,
      startTimeoutMs: 60_000,
      spawn: {
        daemonScript: daemonPath,
        env: ctx.h.env,
        v8Flags: [...DAEMON_V8_FLAGS, '--conduit-test-no-such-v8-flag'],
      },
    });
    try {
      expect((await client.status()).memoryTuning?.execArgv).toEqual([]);
      expect(fs.readFileSync(path.join(ctx.h.home, 'logs', 'daemon-stderr.log'), 'utf8')).toMatch(
        /bad option: --conduit-test-no-such-v8-flag/,
      );
    } finally {
      client.close();
    }
  });
});
