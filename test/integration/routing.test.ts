import { describe, expect, it } from 'vitest';
import type { ChatResult, RouterExplainResult, UsageRow } from '../../protocol';
import { DEFAULT_TIER_MODELS } from '../../daemon/router/models';
import { useDaemonAndFake } from './harness';

const REFACTOR = `Refactor this to remove the duplication:\n\`\`\`ts\n${'const total = items.reduce((s, i) => s + i.price, 0);\n'.repeat(150)}\`\`\``;

describe('routing by complexity through the real daemon and CLI', () => {
  const env = useDaemonAndFake({
    config: { rateLimit: { enabled: false }, routing: { promptCaching: { minSystemTokens: 100 } } },
    resetEachTest: false,
  });

  it('a simple question goes to the simple tier, and the result and the ledger say which and why', async () => {
    env.fake.enqueue('anthropic', { text: 'Paris.' });
    const r = await env.h.cli(['ask', '--json', 'What is the capital of France?']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as ChatResult;
    expect(result.route).toMatchObject({
      tier: 'simple',
      model: DEFAULT_TIER_MODELS.anthropic.simple,
      source: 'tier',
      reason: 'simple: short, no code, no requirements or reasoning markers',
    });
    expect(env.fake.lastRequest('anthropic')!.model).toBe(DEFAULT_TIER_MODELS.anthropic.simple);
    const rows = JSON.parse((await env.h.cli(['usage', 'export', '--json', '-'])).stdout) as UsageRow[];
    expect(rows.at(-1)).toMatchObject({ tier: 'simple', model: DEFAULT_TIER_MODELS.anthropic.simple });
  });

  it('`conduit route` explains the decision and sends nothing', async () => {
    const before = env.fake.requests.length;
    const r = await env.h.cli(['route', REFACTOR]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^tier {7}complex: 150 lines of code \+ 'refactor'/);
    expect(r.stdout).toContain(`anthropic/${DEFAULT_TIER_MODELS.anthropic.complex} (the tier's model)`);
    expect(r.stdout).toMatch(/nothing was sent/);
    const json = JSON.parse(
      (await env.h.cli(['route', '--json', '--feature', 'commit', 'fix typo'])).stdout,
    ) as RouterExplainResult;
    expect(json.route.tier).toBe('simple');
    expect(json.signals.feature).toBe('commit');
    expect(env.fake.requests.length).toBe(before);
  });

  it('`conduit ask --estimate` prints the expected and the worst-case cost, labelled, and asks nothing upstream', async () => {
    const before = env.fake.requests.length;
    const r = await env.h.cli([
      'ask',
      '--estimate',
      '--max-tokens',
      '2000',
      '--model',
      'claude-sonnet-5-5',
      'Explain monads',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^expected +\$0\.\d+: ~\d+ input tokens \+ [\d,]+ output tokens/);
    expect(r.stdout).toMatch(
      /\nworst case \$0\.\d+: [\d,]+ input tokens at most \+ 2,000 max output \(what a budget reserves\)\nroute +anthropic\/claude-sonnet-5-5 \(.*\)\. Nothing was sent\./,
    );
    expect(env.fake.requests.length).toBe(before);
  });

  it('a long stable system prompt is marked for Anthropic prompt caching', async () => {
    env.fake.enqueue('anthropic', { text: 'ok', usage: { input: 600, output: 5, cacheRead: 500 } });
    const client = await env.h.connect();
    try {
      const result = await client.chat({
        messages: [{ role: 'user', content: 'hi' }],
        system: 'You are a careful reviewer. '.repeat(30),
      });
      const body = env.fake.lastRequest('anthropic')!.body as { system: unknown };
      expect(body.system).toEqual([
        { type: 'text', text: 'You are a careful reviewer. '.repeat(30), cache_control: { type: 'ephemeral' } },
      ]);
      expect(result.usage.cache_read_tokens).toBe(500);
      await client.chat({ messages: [{ role: 'user', content: 'hi' }], system: 'Short.' });
      expect((env.fake.lastRequest('anthropic')!.body as { system: unknown }).system).toBe('Short.');
    } finally {
      client.close();
    }
  });

  it('settings sent by the extension (routing, budgets) are accepted by the daemon', async () => {
    const client = await env.h.connect();
    try {
      const { ConfigUpdateRequest } = await import('../../protocol');
      const ok = await client.connection.sendRequest(ConfigUpdateRequest.type, {
        settings: {
          routing: { byFeature: { commit: { tier: 'simple' } } },
          budgets: { dailyUsd: 5, onExceed: 'downgrade' },
        },
      });
      expect(ok).toEqual({ applied: true, problems: [] });
      const bad = await client.connection.sendRequest(ConfigUpdateRequest.type, {
        settings: { budgets: { daily: 5 } },
      });
      expect(bad.applied).toBe(false);
      expect(bad.problems.join()).toMatch(/budgets/);
    } finally {
      client.close();
    }
  });
});
