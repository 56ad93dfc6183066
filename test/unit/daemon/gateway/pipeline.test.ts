import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConduitError, emptyUsage, type ChatResult } from '../../../../protocol';
import { ResponseCache } from '../../../../daemon/cache/responseCache';
import { configSchema, type ConduitConfig } from '../../../../daemon/config/config';
import { callResult } from '../../../../daemon/gateway/callResult';
import type { GatewayDeps, SendContext } from '../../../../daemon/gateway/gatewayTypes';
import { requestSteps } from '../../../../daemon/gateway/pipeline';
import { pipelineParts } from '../../../../daemon/gateway/pipelineParts';
import type { Arrival, RequestContext } from '../../../../daemon/gateway/requestContext';
import { runSteps } from '../../../../daemon/gateway/runSteps';
import { contextWindow } from '../../../../daemon/gateway/steps/contextWindow';
import { guardIn } from '../../../../daemon/gateway/steps/guardIn';
import { record } from '../../../../daemon/gateway/steps/record';
import { route } from '../../../../daemon/gateway/steps/route';
import { Redactor } from '../../../../daemon/guard/redact';
import { Logger } from '../../../../daemon/log/logger';
import { BreakerRegistry } from '../../../../daemon/resilience/breakerRegistry';
import { BudgetTable } from '../../../../daemon/usage/budgetTable';
import type { RequestRecord } from '../../../../daemon/usage/requestRecord';

// 2026-03-10 12:00 UTC: the fake clock of the cache and the budget table.
const NOON = Date.UTC(2026, 2, 10, 12);

/**
 * The real request steps (cache, budget, guards, route) with real adapters (the in-memory cache,
 * the budget table, a fake clock, an in-memory recorder); only the fallback chain, the last step,
 * is a fake that answers as an upstream call would, so nothing goes over HTTP.
 */
describe('the request pipeline', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-pipeline-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function setUp(settings: Record<string, unknown>) {
    const config: ConduitConfig = configSchema.parse({
      provider: 'openai',
      cache: { semantic: { enabled: false } },
      ...settings,
    });
    const redactor = new Redactor();
    const rows: RequestRecord[] = [];
    const settled: number[] = [];
    const cache = new ResponseCache({ settings: () => config.cache, now: () => NOON });
    const budgets = new BudgetTable({ settings: () => config.budgets, now: () => NOON, utcOffsetMinutes: () => 0 });
    const deps: GatewayDeps = {
      config: () => config,
      logger: new Logger({ dir, redactor }),
      redactor,
      breakers: new BreakerRegistry(() => config.resilience.breaker),
      cache,
      // Only a test that sets budgets gets the table, as the daemon always has one.
      ...('budgets' in settings ? { budgets } : {}),
      onBudgetSettled: () => settled.push(1),
      recorder: {
        record: async (r) => {
          rows.push(r);
          return { recorded: true };
        },
      },
      env: { OPENAI_API_KEY: 'sk-test-FAKE-pipeline' },
    };
    const parts = pipelineParts(deps);
    /** What reached the last step, in order. */
    const upstream: RequestContext[] = [];
    const last = async (ctx: RequestContext): Promise<ChatResult> => {
      upstream.push(ctx);
      const outcome = {
        text: `answer to ${ctx.request.messages.length} message(s)`,
        model: ctx.request.model ?? 'unknown',
        usage: { ...emptyUsage(), inputTokens: 10, outputTokens: 5 },
        stopReason: 'end' as const,
        headers: {},
        ttftMs: null,
      };
      return callResult(ctx, ctx.request.provider ?? config.provider, outcome, config.prices);
    };
    const arrive = (input: unknown, call: Partial<SendContext> = {}): Arrival => ({
      parts,
      call: { requestId: `r${upstream.length}`, client: 'cli', signal: new AbortController().signal, ...call },
      config,
      input,
      started: performance.now(),
      startedAt: NOON,
      attempts: [],
      fallbacks: [],
      recorded: {},
    });
    /** The pipeline as runPipeline runs it, with the fake last step. */
    const run = (arrival: Arrival) =>
      record(arrival, async () => runSteps(requestSteps, contextWindow(route(guardIn(arrival))), last));
    return { config, cache, budgets, rows, settled, upstream, arrive, run };
  }

  const ask = (content: string) => ({ messages: [{ role: 'user', content }], temperature: 0 });

  it('a cache hit answers at the cache step: no budget, no upstream call, and one row', async () => {
    const p = setUp({ budgets: { dailyUsd: 10 } });
    const first = await p.run(p.arrive(ask('what is a monad?')));
    expect(first.cache).toBe('none');
    expect(p.upstream).toHaveLength(1);
    expect(p.settled).toHaveLength(1);

    const second = await p.run(p.arrive(ask('what is a monad?')));
    expect(second.cache).toBe('exact');
    expect(second.text).toBe(first.text);
    expect(second.costUsd).toBe(0);
    expect(p.upstream).toHaveLength(1);
    // The budget step settles every request it runs for; it did not run for the hit.
    expect(p.settled).toHaveLength(1);
    expect(p.rows.map((r) => r.cache)).toEqual(['none', 'exact']);
  });

  it('a budget refusal ends the run after the cache missed, before anything is sent or stored', async () => {
    const p = setUp({ budgets: { dailyUsd: 0.000001 } });
    const refused = p.run(p.arrive(ask('an expensive question')));
    await expect(refused).rejects.toMatchObject({ code: 'budget_exceeded' });
    expect(p.upstream).toHaveLength(0);
    const stats = p.cache.stats(true);
    expect(stats.misses).toBe(1);
    expect(stats.entries).toBe(0);
    expect(p.rows).toHaveLength(1);
    expect(p.rows[0]!.errorCode).toBe('budget_exceeded');
  });

  it('a malformed request fails at guard in: no step runs, nothing is sent, and one row says why', async () => {
    const p = setUp({});
    await expect(p.run(p.arrive({ messages: 'not a list' }))).rejects.toBeInstanceOf(ConduitError);
    expect(p.upstream).toHaveLength(0);
    expect(p.cache.stats(true).misses).toBe(0);
    expect(p.rows).toHaveLength(1);
    expect(p.rows[0]!.errorCode).toBe('bad_request');
  });

  it('the last step gets the context the steps built: request, route, budget cover, shared logs', async () => {
    const p = setUp({ budgets: { dailyUsd: 10 } });
    const arrival = p.arrive(ask('route me'));
    const result = await p.run(arrival);
    const seen = p.upstream[0]!;
    expect(seen.request.provider).toBe('openai');
    expect(seen.request.model).toBe(seen.route.model);
    expect(seen.request.profile).toBe(p.config.profile);
    expect(typeof seen.cover).toBe('function');
    // attempts and fallbacks are one log per request, whatever copies of the context the steps made.
    expect(seen.attempts).toBe(arrival.attempts);
    expect(seen.fallbacks).toBe(arrival.fallbacks);
    // The cache step handed on its own call (the shared flight's signal), with the same request id.
    expect(seen.call.requestId).toBe(arrival.call.requestId);
    expect(seen.call.signal).not.toBe(arrival.call.signal);
    // The route report step tells the result the route the request took.
    expect(result.route).toEqual(seen.route);
    expect(p.rows[0]!.model).toBe(seen.route.model);
  });

  it('without a budget table the budget step hands the context on untouched: no cover', async () => {
    const p = setUp({});
    await p.run(p.arrive(ask('no budget here')));
    expect(p.upstream[0]!.cover).toBeUndefined();
  });

  it('identical requests in flight share one upstream call: the follower bills nothing', async () => {
    const p = setUp({});
    const [a, b] = await Promise.all([p.run(p.arrive(ask('twins'))), p.run(p.arrive(ask('twins')))]);
    expect(p.upstream).toHaveLength(1);
    expect([a.coalesced, b.coalesced].filter(Boolean)).toHaveLength(1);
    expect([a.costUsd, b.costUsd]).toContain(0);
  });

  it("docs/architecture.md's step list is the code's: requestSteps, in the same order", () => {
    const doc = fs.readFileSync(
      path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../../docs/architecture.md'),
      'utf8',
    );
    const block = /```text\n(record[\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const lines = block.split('\n');
    const from = lines.findIndex((l) => l.startsWith('requestSteps'));
    const to = lines.findIndex((l) => l.startsWith('fallbackChain'));
    const listed = lines.slice(from + 1, to).map((l) => l.trim().split(/\s+/)[0]);
    expect(from).toBeGreaterThan(0);
    expect(listed).toEqual(requestSteps.map((step) => step.name));
  });

  it('a queued failure is not recorded now (its job records it when it ends)', async () => {
    const p = setUp({});
    const queued = record(p.arrive(ask('later')), () =>
      Promise.reject(new ConduitError({ code: 'queued', message: 'The request was queued.' })),
    );
    await expect(queued).rejects.toMatchObject({ code: 'queued' });
    expect(p.rows).toHaveLength(0);
  });
});
