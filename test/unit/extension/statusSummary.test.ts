import { describe, expect, it } from 'vitest';
import { answerFooter } from '../../../extension/answerFooter';
import { DaemonState } from '../../../extension/daemonState';
import { formatUsd, summarizeStatus } from '../../../extension/statusSummary';
import { emptyUsage } from '../../../protocol';
import { statusFixture as status } from './statusFixture';

describe('status bar summary', () => {
  it("shows provider, today's cost and an ok icon", () => {
    const s = summarizeStatus({
      provider: 'anthropic',
      state: DaemonState.Running,
      status: status(),
      todayCostUsd: 0.0123,
    });
    expect(s.health).toBe('ok');
    expect(s.text).toBe('$(pass) anthropic · $0.01');
    expect(s.tooltip).toContain('claude-x');
  });

  it('is degraded while a circuit is open, rate-limited while requests wait', () => {
    const open = summarizeStatus({
      provider: 'anthropic',
      state: DaemonState.Running,
      status: status({
        circuits: [
          {
            key: 'anthropic/m',
            state: 'open',
            failures: 5,
            windowRequests: 5,
            windowFailures: 5,
            openedAt: 1,
            nextProbeAt: 2,
            lastFailure: 'overloaded',
          },
        ],
      }),
    });
    expect(open.health).toBe('degraded');
    expect(open.tooltip).toContain('Circuit anthropic/m is open');
    const limited = summarizeStatus({
      provider: 'anthropic',
      state: DaemonState.Running,
      now: 0,
      status: status({
        rateLimits: [
          {
            provider: 'anthropic',
            keyId: 'k',
            tier: 'tier1',
            buckets: [],
            queued: { interactive: 2, background: 0 },
            pausedUntil: null,
          },
        ],
      }),
    });
    expect(limited.health).toBe('rate-limited');
  });

  it('says when the daemon was given up on', () => {
    const s = summarizeStatus({ provider: 'openai', state: DaemonState.Stopped, failure: 'it crashed' });
    expect(s.health).toBe('stopped');
    expect(s.tooltip).toContain('it crashed');
  });

  it('shows a retiring model with its end date and a link that switches to the replacement', () => {
    const soon = {
      provider: 'anthropic' as const,
      model: 'claude-old',
      state: 'soon' as const,
      endOfLife: '2026-12-01',
      replacement: 'claude-new',
      message: 'anthropic/claude-old reaches its end of life on 2026-12-01. Use claude-new instead.',
    };
    const alert = {
      id: 'model_deprecated:anthropic/claude-old',
      kind: 'model_deprecated' as const,
      severity: 'warning' as const,
      message: soon.message,
      value: 1,
      threshold: 1,
      firedAt: 0,
      lastSentAt: 0,
      clearedAt: null,
    };
    const s = summarizeStatus({
      provider: 'anthropic',
      state: DaemonState.Running,
      status: status({ deprecations: [soon], alerts: [alert] }),
    });
    expect(s.health).toBe('deprecated');
    expect(s.text).toBe('$(history) anthropic');
    expect(s.tooltip).toContain('**Model retiring**: anthropic/claude-old reaches its end of life on 2026-12-01');
    // Shown once, as a deprecation, not again as a generic warning.
    expect(s.tooltip).not.toContain('Warning:');
    const link = /\[Switch to claude-new\]\(command:conduit\.replaceDeprecatedModel\?([^)]+)\)/.exec(s.tooltip);
    expect(link).not.toBeNull();
    expect(JSON.parse(decodeURIComponent(link![1]!))).toEqual([
      { provider: 'anthropic', model: 'claude-old', replacement: 'claude-new' },
    ]);
    expect(s.deprecations).toEqual([soon]);
  });

  it('a retired model of the provider in use is degraded; other problems still win over a deprecation', () => {
    const past = {
      provider: 'anthropic' as const,
      model: 'claude-gone',
      state: 'past' as const,
      endOfLife: '2026-01-01',
      message: 'anthropic/claude-gone reached its end of life.',
    };
    const retired = summarizeStatus({
      provider: 'anthropic',
      state: DaemonState.Running,
      status: status({ deprecations: [past] }),
    });
    expect(retired.health).toBe('degraded');
    expect(retired.tooltip).toContain('**Model retired**');
    expect(retired.tooltip).not.toContain('command:');
    // Another provider's retired fallback is worth a mention, not a red status.
    const elsewhere = summarizeStatus({
      provider: 'openai',
      state: DaemonState.Running,
      status: status({ deprecations: [past] }),
    });
    expect(elsewhere.health).toBe('deprecated');
    const limited = summarizeStatus({
      provider: 'anthropic',
      state: DaemonState.Running,
      now: 0,
      status: status({
        deprecations: [{ ...past, state: 'soon' }],
        rateLimits: [
          {
            provider: 'anthropic',
            keyId: 'k',
            tier: 'tier1',
            buckets: [],
            queued: { interactive: 1, background: 0 },
            pausedUntil: null,
          },
        ],
      }),
    });
    expect(limited.health).toBe('rate-limited');
    expect(limited.tooltip).toContain('Model retiring');
  });

  it('names the settings that wait for a daemon restart, and nothing when none do', () => {
    const pending = summarizeStatus({
      provider: 'anthropic',
      state: DaemonState.Running,
      status: status(),
      restartPending: ['conduit.cache.semantic.embedder'],
    });
    expect(pending.tooltip).toContain(
      'Applies when the daemon restarts ("Conduit: Restart Daemon"): conduit.cache.semantic.embedder',
    );
    expect(pending.health).toBe('ok');
    expect(
      summarizeStatus({ provider: 'anthropic', state: DaemonState.Running, status: status(), restartPending: [] })
        .tooltip,
    ).not.toContain('restarts');
  });

  it('formats small costs with more digits', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(0.00042)).toBe('$0.0004');
    expect(formatUsd(1.5)).toBe('$1.50');
  });

  it('gives screen readers plain words: no markdown, codicons or link targets', () => {
    const soon = {
      provider: 'anthropic' as const,
      model: 'claude-old',
      state: 'soon' as const,
      endOfLife: '2026-12-01',
      replacement: 'claude-new',
      message: 'anthropic/claude-old ends on 2026-12-01.',
    };
    const s = summarizeStatus({
      provider: 'anthropic',
      state: DaemonState.Running,
      status: status({ deprecations: [soon] }),
      todayCostUsd: 0.5,
      restartPending: ['logLevel'],
    });
    expect(s.accessibilityLabel).toMatch(
      /^Conduit: anthropic, \$0\.50 today, a configured model is retiring\. Model retiring: anthropic\/claude-old ends on 2026-12-01\. Switch to claude-new\./,
    );
    expect(s.accessibilityLabel).toContain('Applies when the daemon restarts');
    expect(s.accessibilityLabel).not.toMatch(/\*\*|\$\(|command:|\\/);
    expect(
      summarizeStatus({ provider: 'openai', state: DaemonState.Stopped, failure: 'it crashed' }).accessibilityLabel,
    ).toBe('Conduit: openai, daemon stopped. Daemon stopped: it crashed');
  });
});

describe('answer footer', () => {
  it('names model, cost, cache and fallbacks', () => {
    const footer = answerFooter({
      requestId: 'r',
      text: 't',
      provider: 'openai',
      model: 'gpt-x',
      usage: emptyUsage(),
      stopReason: null,
      latencyMs: 1234,
      ttftMs: 10,
      attempts: 2,
      attemptLog: [],
      cache: 'none',
      fallbacks: ['openai/gpt-x'],
      costUsd: 0.002,
    });
    expect(footer).toBe('openai/gpt-x · $0.0020 · not cached · fallbacks: openai/gpt-x · 1.2 s');
  });
});
