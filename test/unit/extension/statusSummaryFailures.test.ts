import { describe, expect, it } from 'vitest';
import { DaemonState } from '../../../extension/daemonState';
import { summarizeStatus } from '../../../extension/statusSummary';
import { statusFixture as status } from './statusFixture';

const base = { provider: 'anthropic' as const, state: DaemonState.Running, status: status(), todayCostUsd: 0 };

describe('status bar: failures the user should see', () => {
  it('a rejected key turns it to a warning with what failed, in the tooltip and for screen readers', () => {
    const s = summarizeStatus({
      ...base,
      lastFailure: { kind: 'auth', message: 'Anthropic rejected the API key (HTTP 401).' },
    });
    expect(s.health).toBe('degraded');
    expect(s.text).toMatch(/^\$\(warning\) anthropic/);
    expect(s.tooltip).toContain('**Last request failed**: Anthropic rejected the API key \\(HTTP 401\\).');
    expect(s.accessibilityLabel).toContain('Last request failed: Anthropic rejected the API key (HTTP 401).');
    expect(s.accessibilityLabel).not.toMatch(/\*\*|\$\(/);
  });

  it('an outage does the same although no circuit is open', () => {
    const s = summarizeStatus({ ...base, lastFailure: { kind: 'outage', message: 'Anthropic is unavailable.' } });
    expect(s.health).toBe('degraded');
  });

  it('a budget refusal shows as the budget state', () => {
    const s = summarizeStatus({ ...base, lastFailure: { kind: 'budget', message: 'Refused: over budget.' } });
    expect(s.health).toBe('budget');
    expect(s.text).toMatch(/^\$\(credit-card\)/);
  });

  it('is ok again without the failure (the next success clears it)', () => {
    expect(summarizeStatus(base).health).toBe('ok');
  });

  it('a stopped daemon stays the error it is', () => {
    const s = summarizeStatus({
      provider: 'anthropic',
      state: DaemonState.Stopped,
      failure: 'spawn failed',
      lastFailure: { kind: 'auth', message: 'x' },
    });
    expect(s.health).toBe('stopped');
  });

  it('names the settings the daemon could not use', () => {
    const s = summarizeStatus({
      ...base,
      status: status({
        config: {
          file: '/h/config.json',
          problems: [
            { path: 'budgets.dailyUsd', severity: 'invalid', message: 'expected a number; the default is in force' },
            { path: 'team.redisUrl', severity: 'warning', message: 'holds a password' },
          ],
        },
      }),
    });
    expect(s.health).toBe('degraded');
    expect(s.accessibilityLabel).toContain(
      'Settings not applied (/h/config.json): budgets.dailyUsd (invalid), team.redisUrl (warning)',
    );
    expect(s.tooltip).toContain('budgets.dailyUsd (invalid)');
  });
});
