import { describe, expect, it } from 'vitest';
import type { DaemonClient } from '../../daemon/client/daemonClient';
import type { ProviderBuckets } from '../fakes/providerBucket';
import { ask } from './rateLimitHelpers';
import { redisAvailable } from './redisServer';
import { useTeam } from './teamHelpers';
import { waitFor } from './harness';

/**
 * The run: an idle team with 120 RPM took 20 s for 40 requests (Bottleneck spaced every
 * request evenly), and one daemon's requests all went before the other's. Against a provider
 * whose bucket refills continuously (as Anthropic and OpenAI document theirs), the team may send
 * a whole bucket at once, and then shares the refill. Scaled 5× in time: both daemons and the
 * fake run with a 12-second minute (CONDUIT_LIMIT_WINDOW_MS), so 60 RPM is 60 requests per 12 s,
 * one every 200 ms.
 */
const WINDOW_MS = 12_000;
const LIMIT = 60;
let buckets: ProviderBuckets;

describe.skipIf(!redisAvailable())(
  'team mode: a shared token bucket in Redis (two daemons, one provider bucket)',
  () => {
    const team = useTeam({
      env: { CONDUIT_LIMIT_WINDOW_MS: String(WINDOW_MS) },
      config: {
        rateLimit: {
          tier: 'custom',
          overrides: { openai: { rpm: LIMIT, burst: LIMIT, tpm: 10_000_000 } },
          margin: 0.05,
        },
        cache: { enabled: false },
      },
      before: (fake) => {
        buckets = fake.emulateBuckets('openai', { requests: { limit: LIMIT, windowMs: WINDOW_MS } })!;
      },
    });

    it('an idle team sends a whole bucket (less the 5 % margin) at once, from both daemons, with no 429', async () => {
      // One request each first, so neither daemon's first-request set-up (SDK, connections) is
      // what is measured; then the team is idle until the provider's bucket is full again.
      await Promise.all([
        team.a.client.chat(ask('openai', 'a warm-up')),
        team.b.client.chat(ask('openai', 'b warm-up')),
      ]);
      await waitFor(() => buckets.level() >= LIMIT - 0.01, 10_000, 'the provider bucket to refill');
      const warm = buckets.accepted.length;
      const sent = (client: DaemonClient, name: string, n: number) =>
        Array.from({ length: n }, (_, i) => client.chat(ask('openai', `${name} burst ${i}`)));
      await Promise.all([...sent(team.a.client, 'a', LIMIT / 2), ...sent(team.b.client, 'b', LIMIT / 2)]);
      expect(buckets.rejected).toEqual([]);
      const burst = buckets.accepted.slice(warm);
      expect(burst).toHaveLength(LIMIT);
      const span = burst[LIMIT - 1]!.at - burst[0]!.at;
      const lowest = Math.min(...burst.map((a) => a.levelAfter));
      console.log(
        `[team burst] ${LIMIT} requests from an idle team in ${span} ms (evenly spaced they would take ${(LIMIT - 1) * (WINDOW_MS / LIMIT)} ms); provider bucket down to ${lowest.toFixed(1)} of ${LIMIT}`,
      );
      // Spaced one per interval (as before), the provider's bucket would have stayed nearly full;
      // sent as a burst, it was drained: below half even if sending the 60 took 6 s.
      expect(lowest).toBeLessThan(LIMIT / 2);
    });

    it('under contention both daemons get a fair share, the combined rate stays within the limit, no 429', async () => {
      const TOTAL = 60;
      let next = 0;
      const take = () => (next < TOTAL ? next++ : undefined);
      const sentBy = { a: 0, b: 0 };
      const failures: string[] = [];
      const loop = async (client: DaemonClient, name: 'a' | 'b') => {
        for (let i = take(); i !== undefined; i = take()) {
          try {
            await client.chat(ask('openai', `${name} ${i}`));
            sentBy[name]++;
          } catch (err) {
            failures.push(`${name} #${i}: ${String(err)}`);
          }
        }
      };
      const before = buckets.accepted.length;
      await Promise.all([
        ...Array.from({ length: 8 }, () => loop(team.a.client, 'a')),
        ...Array.from({ length: 8 }, () => loop(team.b.client, 'b')),
      ]);
      expect(failures).toEqual([]);
      expect(buckets.rejected).toEqual([]);
      const times = buckets.accepted.slice(before).map((x) => x.at);
      const perSecond = (times.length - 1) / ((Math.max(...times) - Math.min(...times)) / 1000);
      console.log(
        `[team contention] a ${sentBy.a}, b ${sentBy.b}; ${perSecond.toFixed(2)} requests/s against the provider's ${LIMIT / (WINDOW_MS / 1000)}/s; 429s ${buckets.rejected.length}`,
      );
      expect(sentBy.a + sentBy.b).toBe(TOTAL);
      expect(Math.min(sentBy.a, sentBy.b)).toBeGreaterThanOrEqual(TOTAL * 0.35);
    });
  },
);
