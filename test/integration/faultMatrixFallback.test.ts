import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  FAST,
  FaultEnv,
  KeyedMutex,
  attemptLogOf,
  chat,
  chunkText,
  codeOf,
  describeOutcome,
  type Wire,
} from './faultMatrixHelpers';

/**
 * Fallback cells of the fault matrix, through the real daemon: the chain, the cost guard and the
 * simplified answer. Two daemons, each with its own home and config.json. The primaries here are
 * real catalogue models (the cost guard needs prices), so cells sharing a primary share its
 * circuit: the breaker is set so high here that it never opens.
 */

const MINI = { provider: 'openai' as const, model: 'gpt-5.4-mini' };
const SOL = { provider: 'openai' as const, model: 'gpt-5.6-sol' };
const SONNET = 'claude-sonnet-5-5';

/** Cheaper chain entry first, a costlier one after it; the cost guard on; no simplified answer. */
const GUARDED = {
  ...FAST,
  maxAttempts: 2,
  fallback: { chains: { '*': [MINI, SOL] }, allowCostlier: false, simplifiedResponse: false },
};
/** Costlier fallbacks allowed, and a simplified answer when everything is down. */
const LENIENT = {
  ...FAST,
  maxAttempts: 2,
  fallback: { chains: { '*': [SOL] }, allowCostlier: true, simplifiedResponse: true },
};

const ask = (provider: Wire, model: string, stream = false) => ({
  messages: [{ role: 'user' as const, content: 'fallback please' }],
  provider,
  model,
  stream,
  max_tokens: 16,
});

describe.concurrent('fallback chain, cost guard and simplified answer, through the real daemon', () => {
  let guarded: FaultEnv;
  let lenient: FaultEnv;
  // Every cell touches both fakes of its daemon, so one cell per daemon at a time.
  const mutex = new KeyedMutex();

  beforeAll(async () => {
    [guarded, lenient] = await Promise.all([FaultEnv.start(GUARDED), FaultEnv.start(LENIENT)]);
  });
  afterAll(async () => {
    await Promise.all([guarded?.dispose(), lenient?.dispose()]);
  });

  /** Runs a cell on one daemon, and leaves no script behind for the next. */
  const cell = (env: () => FaultEnv, key: string, fn: (e: FaultEnv) => Promise<void>) =>
    mutex.run(key, async () => {
      const e = env();
      try {
        await fn(e);
      } finally {
        for (const w of ['anthropic', 'openai', 'gemini'] as const) e.fakes[w].reset();
      }
    });

  it('anthropic claude-sonnet-5-5 failing with 503s falls back to openai gpt-5.4-mini', async ({ expect }) => {
    await cell(
      () => guarded,
      'guarded',
      async (e) => {
        e.fakes.anthropic.enqueue('anthropic', { status: 503 }, { status: 503 });
        e.fakes.openai.enqueue('openai', { text: 'from the fallback' });
        const o = await chat(e.client, ask('anthropic', SONNET));
        expect(codeOf(o), describeOutcome(o)).toBe('ok');
        if (!o.ok) return;
        expect(o.result).toMatchObject({
          provider: 'openai',
          model: 'gpt-5.4-mini',
          text: 'from the fallback',
          fallbacks: ['openai/gpt-5.4-mini'],
          attempts: 3,
        });
        expect(o.result.degraded).toBeUndefined();
        expect(o.result.attemptLog.map((a) => [a.provider, a.model, a.error ?? 'ok', a.status])).toEqual([
          ['anthropic', SONNET, 'server_error', 503],
          ['anthropic', SONNET, 'server_error', 503],
          ['openai', 'gpt-5.4-mini', 'ok', undefined],
        ]);
        // The fallback starts its own run: no wait carried over from the primary.
        expect(o.result.attemptLog[2]!.delayMs).toBe(0);
        expect(e.requests('anthropic', SONNET)).toHaveLength(2);
        expect(e.requests('openai', 'gpt-5.4-mini')).toHaveLength(1);
        expect(e.requests('openai', 'gpt-5.6-sol')).toHaveLength(0);
      },
    );
  });

  it("streamed: the fallback's answer reaches the client once, whole", async ({ expect }) => {
    await cell(
      () => guarded,
      'guarded',
      async (e) => {
        e.fakes.anthropic.enqueue('anthropic', { status: 529 }, { status: 529 });
        e.fakes.openai.enqueue('openai', { deltas: ['fall', 'back ', 'streamed'] });
        const o = await chat(e.client, ask('anthropic', SONNET, true));
        expect(codeOf(o), describeOutcome(o)).toBe('ok');
        if (!o.ok) return;
        expect(o.result.provider).toBe('openai');
        expect(o.result.fallbacks).toEqual(['openai/gpt-5.4-mini']);
        expect(chunkText(o.chunks)).toBe('fallback streamed');
        expect(o.result.text).toBe('fallback streamed');
      },
    );
  });

  it('quota_exhausted on the primary falls back after one attempt', async ({ expect }) => {
    await cell(
      () => guarded,
      'guarded',
      async (e) => {
        e.fakes.anthropic.enqueue('anthropic', { status: 402 });
        e.fakes.openai.enqueue('openai', { text: 'paid by the fallback' });
        const o = await chat(e.client, ask('anthropic', SONNET));
        expect(codeOf(o), describeOutcome(o)).toBe('ok');
        expect(attemptLogOf(o).map((a) => a.error ?? 'ok')).toEqual(['quota_exhausted', 'ok']);
        if (o.ok) expect(o.result.fallbacks).toEqual(['openai/gpt-5.4-mini']);
        expect(e.requests('anthropic', SONNET)).toHaveLength(1);
      },
    );
  });

  it('a retry-after beyond the budget falls back at once instead of waiting', async ({ expect }) => {
    await cell(
      () => guarded,
      'guarded',
      async (e) => {
        e.fakes.anthropic.enqueue('anthropic', { status: 429, headers: { 'retry-after': '120' } });
        e.fakes.openai.enqueue('openai', { text: 'no waiting' });
        const o = await chat(e.client, ask('anthropic', SONNET));
        expect(codeOf(o), describeOutcome(o)).toBe('ok');
        // Waiting would take the hinted 120 s; a request on the most loaded machine takes a fraction of that.
        expect(o.elapsedMs).toBeLessThan(120_000);
        expect(attemptLogOf(o).map((a) => a.error ?? 'ok')).toEqual(['rate_limited', 'ok']);
        if (o.ok) expect(o.result.provider).toBe('openai');
      },
    );
  });

  it("the cost guard skips a costlier fallback (gpt-5.6-sol behind gpt-5.4-mini): the primary's error stands", async ({
    expect,
  }) => {
    await cell(
      () => guarded,
      'guarded',
      async (e) => {
        e.fakes.openai.enqueue('openai', { status: 503 }, { status: 503 }, { text: 'must not be used' });
        const o = await chat(e.client, ask('openai', 'gpt-5.4-mini'));
        expect(codeOf(o), describeOutcome(o)).toBe('server_error');
        expect(attemptLogOf(o).map((a) => `${a.model}:${a.error}`)).toEqual([
          'gpt-5.4-mini:server_error',
          'gpt-5.4-mini:server_error',
        ]);
        if (!o.ok) expect(o.error.data.fallbacks).toBeUndefined();
        expect(e.requests('openai', 'gpt-5.4-mini')).toHaveLength(2);
        expect(e.requests('openai', 'gpt-5.6-sol')).toHaveLength(0);
      },
    );
  });

  it('a request the provider rejects (400) does not fall back', async ({ expect }) => {
    await cell(
      () => guarded,
      'guarded',
      async (e) => {
        e.fakes.anthropic.enqueue('anthropic', { status: 400 });
        e.fakes.openai.enqueue('openai', { text: 'must not be used' });
        const o = await chat(e.client, ask('anthropic', SONNET));
        expect(codeOf(o), describeOutcome(o)).toBe('invalid_request');
        expect(attemptLogOf(o)).toHaveLength(1);
        expect(e.fakes.openai.requestsFor('openai')).toHaveLength(0);
      },
    );
  });

  it('a stream cut after text reached the client does not fall back (no second answer after the first)', async ({
    expect,
  }) => {
    await cell(
      () => guarded,
      'guarded',
      async (e) => {
        e.fakes.anthropic.enqueue('anthropic', {
          deltas: ['half ', 'an ', 'answer'],
          fault: { kind: 'truncate', afterDeltas: 2 },
        });
        e.fakes.openai.enqueue('openai', { text: 'must not be used' });
        const o = await chat(e.client, ask('anthropic', SONNET, true));
        expect(codeOf(o), describeOutcome(o)).toBe('stream_interrupted');
        if (!o.ok) expect(o.error.data.partialText).toBe('half an ');
        expect(chunkText(o.chunks)).toBe('half an ');
        expect(e.fakes.openai.requestsFor('openai')).toHaveLength(0);
      },
    );
  });

  it('allowCostlier: the costlier gpt-5.6-sol answers for a failing gpt-5.4-mini', async ({ expect }) => {
    await cell(
      () => lenient,
      'lenient',
      async (e) => {
        e.fakes.openai.enqueue('openai', { status: 500 }, { status: 500 }, { text: 'sol answers' });
        const o = await chat(e.client, ask('openai', 'gpt-5.4-mini'));
        expect(codeOf(o), describeOutcome(o)).toBe('ok');
        if (!o.ok) return;
        expect(o.result).toMatchObject({
          provider: 'openai',
          model: 'gpt-5.6-sol',
          text: 'sol answers',
          fallbacks: ['openai/gpt-5.6-sol'],
          attempts: 3,
        });
        expect(e.requests('openai', 'gpt-5.6-sol')).toHaveLength(1);
      },
    );
  });

  it('simplifiedResponse: every provider down gives a degraded answer, streamed too, at no cost', async ({
    expect,
  }) => {
    await cell(
      () => lenient,
      'lenient',
      async (e) => {
        e.fakes.anthropic.enqueue('anthropic', { status: 503 }, { status: 503 });
        e.fakes.openai.enqueue('openai', { status: 503 }, { status: 503 });
        const o = await chat(e.client, ask('anthropic', SONNET, true));
        expect(codeOf(o), describeOutcome(o)).toBe('ok');
        if (!o.ok) return;
        expect(o.result.degraded?.code).toBe('server_error');
        expect(o.result.fallbacks).toEqual(['openai/gpt-5.6-sol', 'simplified']);
        expect(o.result.provider).toBe('anthropic');
        expect(o.result.attempts).toBe(4);
        expect(o.result.attemptLog.map((a) => `${a.provider}:${a.error}`)).toEqual([
          'anthropic:server_error',
          'anthropic:server_error',
          'openai:server_error',
          'openai:server_error',
        ]);
        expect(o.result.costUsd).toBe(0);
        expect(o.result.text.length).toBeGreaterThan(0);
        expect(chunkText(o.chunks)).toBe(o.result.text);
        expect(e.requests('anthropic', SONNET)).toHaveLength(2);
        expect(e.requests('openai', 'gpt-5.6-sol')).toHaveLength(2);
      },
    );
  });

  it('no simplified answer for a failure that is not an outage (auth everywhere): the error, with the fallbacks tried', async ({
    expect,
  }) => {
    await cell(
      () => lenient,
      'lenient',
      async (e) => {
        e.fakes.anthropic.enqueue('anthropic', { status: 401 });
        e.fakes.openai.enqueue('openai', { status: 401 });
        const o = await chat(e.client, ask('anthropic', SONNET));
        expect(codeOf(o), describeOutcome(o)).toBe('auth');
        if (o.ok) return;
        expect(o.error.data.fallbacks).toEqual(['openai/gpt-5.6-sol']);
        expect(o.error.data.provider).toBe('openai');
        expect(attemptLogOf(o).map((a) => `${a.provider}:${a.error}`)).toEqual(['anthropic:auth', 'openai:auth']);
      },
    );
  });
});
