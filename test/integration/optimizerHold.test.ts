import { describe, expect, it } from 'vitest';
import { ONE_PROVIDER, untilExit, useDaemonAndFake } from './harness';

const OPTIMIZED = /\[(marking|compiling method|completed optimizing) /;
const ask = { provider: 'openai' as const, model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

/**
 * TurboFan held off while the daemon starts (daemon/compose/optimizerHold.ts, issue #23): the real
 * daemon from dist/, run with V8's --trace-opt. Unheld, its start optimizes zod's schema
 * constructor and the bundle's name helper, which pages in TurboFan's code for the rest of an idle
 * daemon's life; held, nothing is optimized until the first chat request, and after it V8 optimizes again.
 */
describe('the optimizer held while the daemon starts', () => {
  // No trim within the test: only a request can end the hold here. The hold is the default: no switch set.
  const ctx = useDaemonAndFake({
    env: { ...ONE_PROVIDER, CONDUIT_OPTIMIZER_HOLD: undefined, CONDUIT_IDLE_TRIM_MS: '0' },
  });

  it('optimizes nothing from start to stop when no request comes', async () => {
    const { h } = ctx;
    const daemon = h.spawnDaemon(['--trace-opt']);
    let status: Awaited<ReturnType<typeof h.status>> | undefined;
    const out = await untilExit(
      daemon,
      async () => {
        await h.waitForLog(/"daemon listening"/);
        status = await h.status();
      },
      () => h.cli(['stop']),
    );
    expect(out.code, out.stderr).toBe(0);
    expect(status?.memoryTuning?.optimizer).toBe('held');
    // A trace line would name the function; the test shows it able to fail: without the hold the same start prints
    // `[marking … <JSFunction a …> for optimization to TURBOFAN` for zod's constructor.
    expect(out.stdout.split('\n').filter((l) => OPTIMIZED.test(l))).toEqual([]);
    expect(out.stdout + out.stderr).toContain('daemon stopped');
  });

  it('answers the first request as before, and optimizes again from it on', async () => {
    const { h, fake } = ctx;
    fake.setDefault('openai', { text: 'first answer' });
    // The first test's daemon logged in this home too.
    const started = h.logLines().filter((l) => l.msg === 'daemon listening').length;
    const daemon = h.spawnDaemon(['--trace-opt']);
    const answers: string[] = [];
    let after: string | undefined;
    const out = await untilExit(
      daemon,
      async () => {
        await h.waitForLog(/"daemon listening"/, { count: started + 1 });
        const client = await h.connect(false);
        try {
          // Enough requests for some of the reply path to run hot, whatever the tiering budgets of this V8.
          for (let i = 0; i < 200; i++) answers.push((await client.chat(ask)).text);
          after = (await client.status()).memoryTuning?.optimizer;
        } finally {
          client.close();
        }
      },
      () => h.cli(['stop']),
    );
    expect(out.code, out.stderr).toBe(0);
    expect(answers[0]).toBe('first answer');
    expect(new Set(answers)).toEqual(new Set(['first answer']));
    expect(after).toBe('released');
    expect(out.stdout).toMatch(/\[completed optimizing /);
  });
});

describe('the optimizer released by the idle trim after the start', () => {
  const ctx = useDaemonAndFake({ env: { ...ONE_PROVIDER, CONDUIT_OPTIMIZER_HOLD: '1', CONDUIT_IDLE_TRIM_MS: '50' } });

  it('is released once the start has been quiet for the trim spell, with no request', async () => {
    const { h } = ctx;
    const client = await h.connect();
    try {
      await h.waitForLog(/"idle trim: memory"/);
      expect((await client.status()).memoryTuning?.optimizer).toBe('released');
    } finally {
      client.close();
    }
  });
});

describe('the optimizer with CONDUIT_OPTIMIZER_HOLD=0', () => {
  const ctx = useDaemonAndFake({ env: { ...ONE_PROVIDER, CONDUIT_OPTIMIZER_HOLD: '0' } });

  it('is not held: the start runs as V8 runs it', async () => {
    const client = await ctx.h.connect();
    try {
      expect((await client.status()).memoryTuning?.optimizer).toBe('not held');
    } finally {
      client.close();
    }
  });
});
