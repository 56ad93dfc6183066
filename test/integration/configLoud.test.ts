import { describe, expect, it } from 'vitest';
import type { StatusResult } from '../../protocol';
import { useDaemonAndFake } from './harness';

/** One bad key in config.json is loud and costs only itself: the budgets and limits beside it apply. */
describe('invalid config is loud, and isolated to its key', () => {
  const env = useDaemonAndFake({
    config: {
      budgets: { dailyUsd: 'ten', monthlyUsd: 42 },
      resilience: { maxAttempts: 1 },
      team: { redisUrl: 'redis://:pw-FAKE-canary-redis@127.0.0.1:9', id: 'harden' },
    },
  });

  it('conduit status (text and JSON) names the bad setting and the default in force; the rest applies', async () => {
    // status never starts a daemon; start one first.
    expect((await env.h.cli(['daemon'])).code).toBe(0);
    const r = await env.h.cli(['status', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as StatusResult;
    expect(s.config?.problems.map((p) => `${p.severity} ${p.path}`).sort()).toEqual([
      'invalid budgets.dailyUsd',
      'warning team.redisUrl',
    ]);
    expect(s.alerts.find((a) => a.kind === 'config_invalid')?.message).toMatch(
      /budgets\.dailyUsd: .*(default is in force|ignored)/,
    );
    // The monthly budget beside the bad daily one is in force.
    expect(s.budgets?.some((b) => b.period === 'month' && b.limitUsd === 42)).toBe(true);
    const text = await env.h.cli(['status']);
    expect(text.stdout).toMatch(/config .*config\.json/);
    expect(text.stdout).toMatch(/\[invalid\] budgets\.dailyUsd/);
    expect(text.stdout).toMatch(/\[warning\] team\.redisUrl holds a password.*conduit team password/);
    // The password itself is nowhere: not in status, not in the log.
    // Stopped and gone first: the logger writes in the background and closes with the daemon.
    await env.h.stopDaemons();
    for (const out of [r.stdout, text.stdout, env.h.logText()]) expect(out).not.toContain('pw-FAKE-canary-redis');
  });
});
