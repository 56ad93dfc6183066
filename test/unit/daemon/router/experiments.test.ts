import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../daemon/config/config';
import { RouteStep } from '../../../../daemon/gateway/routeStep';
import { experimentResults } from '../../../../daemon/router/experimentResults';
import { experimentsSchema } from '../../../../daemon/router/experimentSettings';
import { armLabel, assignArm, experimentKeyOf } from '../../../../daemon/router/experiments';
import { migrate } from '../../../../daemon/usage/migrations';
import { experimentStats, saveRating } from '../../../../daemon/usage/ratings';
import { SqliteDb } from '../../../../daemon/usage/sqlite';

const [trial] = experimentsSchema.parse([
  {
    id: 'explain-ab',
    feature: 'explain',
    arms: [
      { name: 'haiku', provider: 'anthropic', model: 'claude-haiku-5-5', weight: 3 },
      { name: 'mini', provider: 'openai', model: 'gpt-5.4-mini', weight: 1 },
    ],
  },
]);

describe('A/B assignment', () => {
  it('is stable per key: a retry of the same request stays on its arm', () => {
    for (let i = 0; i < 50; i++) expect(assignArm(trial!, `key-${i}`)).toBe(assignArm(trial!, `key-${i}`));
    const a = experimentKeyOf({ messages: [{ role: 'user', content: 'Explain  this\n code' }] });
    expect(experimentKeyOf({ messages: [{ role: 'user', content: 'Explain this code ' }] })).toBe(a);
    expect(experimentKeyOf({ messages: [{ role: 'user', content: 'x' }], experimentKey: 'k1' })).toBe('k1');
  });

  it('follows the weights within tolerance over 1,000 keys', () => {
    const counts = { haiku: 0, mini: 0 } as Record<string, number>;
    for (let i = 0; i < 1000; i++) counts[assignArm(trial!, `request ${i}`).name]!++;
    // 75 % ± 4.5 points: about 3.3 standard deviations of a binomial(1000, 0.75).
    expect(counts.haiku! / 1000).toBeGreaterThan(0.705);
    expect(counts.haiku! / 1000).toBeLessThan(0.795);
  });

  it('applies to its feature only, and an explicit model or provider opts out', () => {
    const config = configSchema.parse({ experiments: [trial] });
    const step = new RouteStep({});
    const d = step.route(
      { messages: [{ role: 'user', content: 'What does this do?' }], feature: 'explain', experimentKey: 'k' },
      config,
    );
    expect(d.route.source).toBe('experiment');
    expect(d.route.experiment).toEqual({ id: 'explain-ab', arm: assignArm(trial!, 'k').name });
    expect(d.request.provider).toBe(assignArm(trial!, 'k').provider);
    expect(
      step.route({ messages: [{ role: 'user', content: 'x' }], feature: 'ask' }, config).route.experiment,
    ).toBeUndefined();
    expect(
      step.route({ messages: [{ role: 'user', content: 'x' }], feature: 'explain', model: 'm' }, config).route.source,
    ).toBe('request');
  });

  it('refuses an experiment with one arm or a duplicate arm', () => {
    expect(
      experimentsSchema.safeParse([{ id: 'a', feature: 'f', arms: [{ name: 'x', provider: 'openai', model: 'm' }] }])
        .success,
    ).toBe(false);
    expect(
      experimentsSchema.safeParse([
        {
          id: 'a',
          feature: 'f',
          arms: [
            { name: 'x', provider: 'openai', model: 'm' },
            { name: 'x', provider: 'gemini', model: 'g' },
          ],
        },
      ]).success,
    ).toBe(false);
  });
});

describe('per-arm results on a synthetic ledger', () => {
  it('count, error rate, latency p50/p95, cost per request and ratings (a retry is a thumbs down)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-exp-'));
    const db = await SqliteDb.open(path.join(dir, 'usage.db'));
    try {
      await migrate(db);
      const insert = (id: string, arm: string, latency: number, error: string | null, cost: number | null) =>
        db.run(
          `INSERT INTO requests (request_id, started_at, recorded_at, client, feature, priority, latency_ms, attempts, experiment_arm, error_code, cost_usd)
         VALUES (?, 1000, 1000, 'cli', 'explain', 'interactive', ?, 1, ?, ?, ?)`,
          [id, latency, arm, error, cost],
        );
      // haiku: 20 answers at 10..200 ms costing 0.001 each, and 2 errors.
      for (let i = 1; i <= 20; i++) await insert(`h${i}`, armLabel('explain-ab', 'haiku'), i * 10, null, 0.001);
      await insert('h-err1', armLabel('explain-ab', 'haiku'), 5, 'server_error', 0);
      await insert('h-err2', armLabel('explain-ab', 'haiku'), 5, 'timeout', 0);
      // mini: 4 answers, one of unknown price.
      for (const [i, cost] of [
        [1, 0.004],
        [2, 0.002],
        [3, null],
        [4, 0.003],
      ] as const)
        await insert(`m${i}`, armLabel('explain-ab', 'mini'), 100 * i, null, cost);
      await insert('other', 'other-exp/x', 1, null, 1);
      await saveRating(db, 'h1', { rating: 1, reason: 'user' }, 'explain', 2000);
      await saveRating(db, 'h2', { rating: 1, reason: 'user' }, 'explain', 2000);
      await saveRating(db, 'h3', { rating: -1, reason: 'retry' }, 'explain', 2000);
      await saveRating(db, 'm1', { rating: 1, reason: 'user' }, 'explain', 2000);
      await saveRating(db, 'm1', { rating: -1, reason: 'user' }, 'explain', 2001); // the latest rating wins

      const [result] = experimentResults([trial!], await experimentStats(db, 0));
      const [haiku, mini] = result!.arms;
      expect(haiku).toMatchObject({
        arm: 'haiku',
        share: 0.75,
        requests: 22,
        errors: 2,
        latencyP50Ms: 100,
        latencyP95Ms: 190,
        ratingsUp: 2,
        ratingsDown: 1,
        retries: 1,
      });
      expect(haiku!.errorRate).toBeCloseTo(2 / 22, 10);
      expect(haiku!.costPerRequestUsd).toBeCloseTo(0.02 / 22, 10);
      expect(haiku!.ratingScore).toBeCloseTo(1 / 3, 10);
      expect(mini).toMatchObject({
        arm: 'mini',
        requests: 4,
        errors: 0,
        errorRate: 0,
        latencyP50Ms: 200,
        latencyP95Ms: 400,
        ratingsUp: 0,
        ratingsDown: 1,
        retries: 0,
        ratingScore: -1,
      });
      expect(mini!.costPerRequestUsd).toBeCloseTo(0.003, 10);
    } finally {
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
