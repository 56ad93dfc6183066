import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaemonClient } from '../../daemon/client/daemonClient';
import { FakeProviderServer } from '../fakes/fakeProvider';
import type { RateLimitEnforcer } from '../fakes/rateLimitEnforcer';
import type { DaemonHarness } from './harness';
import { ask, busiestWindow, limitedDaemon } from './rateLimitHelpers';

/**
 * The accuracy run is RPM 60 with 200 requests (over 200 s). Scaled 10× in time: the
 * fake enforces 60 requests (and 3,000 tokens) per 6-second sliding window, i.e. 600 RPM and
 * 30,000 TPM, and the daemon is configured with exactly those per-minute limits. 200 requests
 * then take about 20 s.
 */
const WINDOW_MS = 6000;
const PER_WINDOW = 60;
const TOTAL = 200;

describe('rate limit accuracy, scaled 10× in time (RPM 600 = 60 per 6-s window, 200 requests, two clients and a CLI loop)', () => {
  let fake: FakeProviderServer;
  let enforcer: RateLimitEnforcer;
  let h: DaemonHarness;
  let a: DaemonClient;
  let b: DaemonClient;

  beforeAll(async () => {
    fake = await FakeProviderServer.start();
    enforcer = fake.enforceLimits('openai', {
      requests: { limit: PER_WINDOW, windowMs: WINDOW_MS },
      tokens: { limit: 3000, windowMs: WINDOW_MS },
    })!;
    ({ h, client: a } = await limitedDaemon(fake.url, {
      tier: 'custom',
      overrides: { openai: { rpm: 600, tpm: 30_000, burst: 1 } },
    }));
    b = await h.connect();
  });
  afterAll(async () => {
    a?.close();
    b?.close();
    await h?.dispose();
    await fake?.stop();
  });

  it('no 429, no window over the limit, throughput ≥ 95% of it, and every request answered', async () => {
    let next = 0;
    const answered: string[] = [];
    const failures: string[] = [];
    const take = (): number | undefined => (next < TOTAL ? next++ : undefined);
    const clientLoop = async (client: DaemonClient, name: string) => {
      for (let i = take(); i !== undefined; i = take()) {
        try {
          const r = await client.chat(ask('openai', `${name} ${i}`));
          answered.push(r.text);
        } catch (err) {
          failures.push(`${name} #${i}: ${String(err)}`);
        }
      }
    };
    const cliLoop = async () => {
      for (let i = take(); i !== undefined; i = take()) {
        const r = await h.cli(
          ['ask', '--provider', 'openai', '--model', 'gpt-rl', '--max-tokens', '16', '--no-stream', `cli ${i}`],
          { timeoutMs: 60_000 },
        );
        if (r.code === 0) answered.push(r.stdout);
        else failures.push(`cli #${i}: ${r.stderr}`);
      }
    };
    // Enough requests in flight that the limiter, not the clients, sets the pace.
    await Promise.all([
      ...Array.from({ length: 8 }, () => clientLoop(a, 'a')),
      ...Array.from({ length: 8 }, () => clientLoop(b, 'b')),
      cliLoop(),
    ]);

    expect(failures).toEqual([]);
    expect(answered).toHaveLength(TOTAL);
    expect(enforcer.rejected).toEqual([]);
    const times = enforcer.accepted.map((x) => x.at);
    expect(times).toHaveLength(TOTAL);
    expect(busiestWindow(times, WINDOW_MS)).toBeLessThanOrEqual(PER_WINDOW);
    const perSecond = (TOTAL - 1) / ((Math.max(...times) - Math.min(...times)) / 1000);
    const limitPerSecond = PER_WINDOW / (WINDOW_MS / 1000);
    console.log(
      `rate limit accuracy: ${perSecond.toFixed(2)} requests/s against a limit of ${limitPerSecond}/s (${((perSecond / limitPerSecond) * 100).toFixed(1)}%), busiest 6-s window ${busiestWindow(times, WINDOW_MS)}/${PER_WINDOW}`,
    );
    expect(perSecond).toBeGreaterThanOrEqual(0.95 * limitPerSecond);
    const status = await h.status();
    expect(status.rateLimits.find((r) => r.provider === 'openai')).toMatchObject({
      tier: 'custom',
      queued: { interactive: 0, background: 0 },
    });
  });
});
