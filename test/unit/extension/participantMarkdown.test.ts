import { describe, expect, it } from 'vitest';
import { routeMarkdown, usageMarkdown, usd } from '../../../extension/participantMarkdown';
import type { RouterExplainResult, UsageGroup, UsageQueryResult } from '../../../protocol';

function group(key: string, requests: number, costUsd: number): UsageGroup {
  const none = { count: 0, p50: null, p95: null, p99: null };
  return {
    key,
    requests,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd,
    estimatedCostRequests: 0,
    unpricedRequests: 0,
    cacheHits: 0,
    cacheSavedUsd: 0,
    latencyMs: none,
    ttftMs: none,
  };
}

function today(groups: UsageGroup[]): UsageQueryResult {
  const total = group(
    'total',
    groups.reduce((n, g) => n + g.requests, 0),
    groups.reduce((n, g) => n + g.costUsd, 0),
  );
  return {
    since: 0,
    until: 1,
    groupBy: 'provider',
    groups,
    total,
    errorsByCode: {},
    errorsByStatus: {},
    ledger: { state: 'ok', degraded: null, unrecorded: 0 } as UsageQueryResult['ledger'],
  };
}

describe('usd', () => {
  it('keeps significant digits for small costs and never shows a tiny cost as zero', () => {
    expect(usd(0)).toBe('$0');
    expect(usd(0.00003)).toBe('< $0.0001');
    expect(usd(0.0012)).toBe('$0.0012');
    expect(usd(0.5)).toBe('$0.5');
    expect(usd(12.345)).toBe('$12.35');
  });
});

describe('usageMarkdown', () => {
  it("shows today's spend per provider, each budget with what is left, and the headroom", () => {
    const md = usageMarkdown({
      today: today([group('anthropic', 3, 0.0042), group('openai', 1, 0.0001)]),
      budgets: [
        {
          scope: 'global',
          period: 'day',
          limitUsd: 5,
          spentUsd: 0.0043,
          reservedUsd: 0,
          remainingUsd: 4.9957,
          resetsAt: 0,
        },
      ],
      rateLimits: [
        {
          provider: 'anthropic',
          keyId: 'ab12',
          tier: 'tier1',
          buckets: [{ kind: 'requests', limit: 50, remaining: 47, fullAt: null }],
          queued: { interactive: 0, background: 1 },
          pausedUntil: null,
        },
      ],
      formatTime: () => 'midnight',
    });
    expect(md).toContain('**$0.0043** over 4 requests.');
    expect(md).toContain('| anthropic | 3 | $0.0042 |');
    expect(md).toContain('| All requests, per day | $0.0043 of $5.00 | $5.00 | midnight |');
    expect(md).toContain('| anthropic | ab12 | 47 / 50 a minute | – | 1 |');
  });

  it('says so when nothing happened and nothing is set', () => {
    const md = usageMarkdown({ today: today([]), budgets: [], rateLimits: [], formatTime: String });
    expect(md).toContain('No requests yet today.');
    expect(md).toContain('No budget is set');
    expect(md).toContain('No provider has been limited yet.');
  });

  it('escapes names that would break the table', () => {
    const md = usageMarkdown({ today: today([group('a|b', 1, 1)]), budgets: [], rateLimits: [], formatTime: String });
    expect(md).toContain('| a\\|b | 1 | $1.00 |');
  });
});

describe('routeMarkdown', () => {
  it('names the model, the tier, why, and the worst case, and says nothing was sent', () => {
    const r: RouterExplainResult = {
      route: {
        tier: 'complex',
        reason: "complex: 1,900 tokens of code + 'refactor'",
        provider: 'anthropic',
        model: 'claude-opus-5-5',
        source: 'tier',
        downgradedFrom: undefined,
      },
      signals: {
        estimatedTokens: 2000,
        codeTokens: 1900,
        reasoningMarkers: ['refactor'],
        multiStep: false,
        turns: 1,
        feature: 'chat',
        score: 0.8,
      },
      estimate: { inputTokens: 8100, maxTokens: 4096, worstCaseUsd: 0.14 },
      classifyMs: 0.4,
    };
    const md = routeMarkdown(r);
    expect(md).toContain('**anthropic/claude-opus-5-5**, tier **complex**');
    expect(md).toContain("- Chosen by: the tier's model");
    expect(md).toContain('reasoning words: refactor');
    expect(md).toContain('- Worst case: $0.14 (8100 input tokens at most, 4096 output)');
    expect(md).toContain('Nothing was sent.');
  });
});
