import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../../protocol';
import { configSchema } from '../../../../daemon/config/config';
import { modelsInUse, RouteStep } from '../../../../daemon/gateway/routeStep';
import { trimContext } from '../../../../daemon/router/contextTrim';
import { configuredDeprecations, deprecationOf } from '../../../../daemon/router/deprecations';
import { DEFAULT_TIER_MODELS } from '../../../../daemon/router/models';
import { tiersBelow } from '../../../../daemon/router/routeDecision';
import { costOf, worstCaseCost } from '../../../../daemon/usage/pricing';
import { FRAMING_TOKENS_PER_MESSAGE, FRAMING_TOKENS_PER_REQUEST } from '../../../../daemon/ratelimit/tokenEstimate';

const env = {};
const step = new RouteStep(env);
const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [{ role: 'user', content }],
  ...extra,
});
const REFACTOR = `Refactor this and explain the trade-offs:\n\`\`\`ts\n${'const value = compute(input);\n'.repeat(300)}\`\`\``;

describe('routing: tier, then provider and model', () => {
  it("routes each tier to the provider's tier model, from the catalogue by default", () => {
    const config = configSchema.parse({});
    const simple = step.route(ask('Hello!'), config);
    expect(simple.route).toMatchObject({
      tier: 'simple',
      provider: 'anthropic',
      model: DEFAULT_TIER_MODELS.anthropic.simple,
      source: 'tier',
    });
    const complex = step.route(ask(REFACTOR), config);
    expect(complex.route).toMatchObject({ tier: 'complex', model: DEFAULT_TIER_MODELS.anthropic.complex });
    expect(complex.route.reason).toMatch(/^complex: 300 lines of code \+ .*'trade-off'/);
    expect(complex.request).toMatchObject({
      provider: 'anthropic',
      model: DEFAULT_TIER_MODELS.anthropic.complex,
      tier: 'complex',
    });
  });

  it('takes the tier models from providers.<id>.models', () => {
    const config = configSchema.parse({
      provider: 'openai',
      providers: { openai: { models: { simple: 'gpt-5-nano' } } },
    });
    expect(step.route(ask('Hi'), config).route).toMatchObject({ provider: 'openai', model: 'gpt-5-nano' });
    expect(step.route(ask('Compare REST and GraphQL for a mobile app backend.'), config).route.model).toBe(
      DEFAULT_TIER_MODELS.openai.moderate,
    );
  });

  it('an explicit model in the request, then a per-feature model, always wins', () => {
    const config = configSchema.parse({
      routing: { byFeature: { commit: { model: 'claude-haiku-4-5' }, review: { tier: 'complex' } } },
    });
    expect(step.route(ask(REFACTOR, { model: 'claude-sonnet-4-5' }), config).route).toMatchObject({
      model: 'claude-sonnet-4-5',
      source: 'request',
      tier: 'complex',
    });
    expect(step.route(ask(REFACTOR, { feature: 'commit' }), config).route).toMatchObject({
      model: 'claude-haiku-4-5',
      source: 'feature',
    });
    const review = step.route(ask('Hi', { feature: 'review' }), config).route;
    expect(review).toMatchObject({ tier: 'complex', model: DEFAULT_TIER_MODELS.anthropic.complex });
    expect(review.reason).toMatch(/^complex: set for feature review/);
    expect(step.route(ask('Hi', { tier: 'moderate' }), config).route.tier).toBe('moderate');
  });

  it("routing off: the provider's configured model, whatever the tier", () => {
    const config = configSchema.parse({
      routing: { enabled: false },
      providers: { anthropic: { model: 'claude-sonnet-4-5' } },
    });
    expect(step.route(ask(REFACTOR), config).route).toMatchObject({
      tier: 'complex',
      model: 'claude-sonnet-4-5',
      source: 'configured',
    });
  });

  it('is deterministic', () => {
    const config = configSchema.parse({});
    expect(step.route(ask(REFACTOR), config)).toEqual(step.route(ask(REFACTOR), config));
  });

  it('tiers below a tier, nearest first', () => {
    expect(tiersBelow('complex')).toEqual(['moderate', 'simple']);
    expect(tiersBelow('simple')).toEqual([]);
  });
});

describe('explain: the decision and the worst case, nothing sent', () => {
  it("prices the worst case at the routed model with the settings' price overrides", () => {
    const config = configSchema.parse({
      prices: { [DEFAULT_TIER_MODELS.anthropic.simple]: { input: 10, output: 100 } },
    });
    const e = step.explain(ask('Hello!', { max_tokens: 1000 }), config);
    // The budget's bound: 6 UTF-8 bytes, one message's framing and the request's.
    const bound = 6 + FRAMING_TOKENS_PER_MESSAGE + FRAMING_TOKENS_PER_REQUEST;
    expect(e.estimate).toEqual({ inputTokens: bound, maxTokens: 1000, worstCaseUsd: (bound * 10 + 1000 * 100) / 1e6 });
    expect(e.classifyMs).toBeLessThan(50);
  });
});

describe('price overrides through the settings', () => {
  it('config.json prices win over the catalogue in costOf and worstCaseCost', () => {
    const config = configSchema.parse({ prices: { 'gpt-5.4-mini': { input: 1, output: 2 } } });
    const usage = {
      input_tokens: 1_000_000,
      output_tokens: 1_000_000,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
    };
    expect(costOf('openai', 'gpt-5.4-mini', usage, config.prices).usd).toBeCloseTo(3, 10);
    expect(costOf('openai', 'gpt-5.4-mini', usage).usd).not.toBeCloseTo(3, 5);
    expect(worstCaseCost('openai', 'gpt-5.4-mini', 1_000_000, 0, config.prices).usd).toBeCloseTo(1, 10);
    // A local model has no catalogue price, but an override gives it one.
    const local = configSchema.parse({ prices: { llama3: { input: 0, output: 0 } } });
    expect(costOf('openaiCompatible', 'llama3', usage, local.prices).usd).toBe(0);
  });

  it('rejects a negative price or an unknown field', () => {
    expect(configSchema.safeParse({ prices: { x: { input: -1 } } }).success).toBe(false);
    expect(configSchema.safeParse({ prices: { x: { inptu: 1 } } }).success).toBe(false);
  });
});

describe('context trimming', () => {
  const turns = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content: `message ${i} `.repeat(40),
    }));

  it('drops the earliest messages first, never the last user message, and starts on a user turn', () => {
    const messages = turns(9);
    const r = trimContext(messages, 400);
    expect(r.droppedMessages).toBeGreaterThan(0);
    expect(r.messages[r.messages.length - 1]).toBe(messages[8]);
    expect(r.messages[0]!.role).toBe('user');
    expect(r.droppedTokens).toBeGreaterThan(0);
    expect(trimContext([{ role: 'user', content: 'x'.repeat(10_000) }], 10).droppedMessages).toBe(0);
  });

  it('is applied per feature by routing and reported', () => {
    const config = configSchema.parse({ routing: { contextTokensByFeature: { ask: 300 } } });
    const d = step.route({ messages: turns(9) }, config);
    expect(d.trimmed?.droppedMessages).toBeGreaterThan(0);
    expect(d.request.messages.length).toBe(9 - d.trimmed!.droppedMessages);
  });
});

describe('deprecation warnings', () => {
  it('name the end of life and the replacement, for past and soon', () => {
    const past = deprecationOf('anthropic', 'claude-sonnet-4-5', new Date('2026-12-01T00:00:00Z'));
    expect(past).toMatchObject({ state: 'past', endOfLife: '2026-11-30', replacement: 'claude-sonnet-5-5' });
    expect(past!.message).toBe(
      'anthropic/claude-sonnet-4-5 reached its end of life on 2026-11-30 and is no longer served. Use claude-sonnet-5-5 instead (set it in providers.anthropic.models or conduit.models).',
    );
    expect(deprecationOf('anthropic', 'claude-sonnet-4-5', new Date('2026-11-10T00:00:00Z'))?.state).toBe('soon');
    expect(deprecationOf('anthropic', 'claude-sonnet-4-5', new Date('2026-09-01T00:00:00Z'))).toBeUndefined();
    expect(deprecationOf('anthropic', DEFAULT_TIER_MODELS.anthropic.moderate)).toBeUndefined();
  });

  it('ride on the route of a request to a model near its end', () => {
    const config = configSchema.parse({});
    const d = step.route(ask('Hi', { model: 'claude-sonnet-4-5' }), config);
    expect(d.route.deprecation === undefined || d.route.deprecation.replacement === 'claude-sonnet-5-5').toBe(true);
  });

  it('cover every model the settings name, once each', () => {
    const config = configSchema.parse({
      providers: { openai: { model: 'gpt-5.4-mini', models: { complex: 'gpt-5.4-mini' } } },
    });
    const used = modelsInUse(config, env);
    expect(used.filter((m) => m.model === 'gpt-5.4-mini').length).toBe(2);
    expect(configuredDeprecations(used).length).toBe(0);
  });
});
