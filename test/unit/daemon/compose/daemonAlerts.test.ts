import { describe, expect, it } from 'vitest';
import { ClientBroadcast } from '../../../../daemon/compose/clientBroadcast';
import { alertLogLevel, DaemonAlerts } from '../../../../daemon/compose/daemonAlerts';
import { configSchema, type ConduitConfig } from '../../../../daemon/config/config';
import type { LogLevel } from '../../../../daemon/log/logger';
import { BudgetTable } from '../../../../daemon/usage/budgetTable';

interface Line {
  level: LogLevel;
  msg: string;
  fields: Record<string, unknown> | undefined;
}

function setup(config: ConduitConfig = configSchema.parse({})) {
  const lines: Line[] = [];
  const budgets = new BudgetTable({ settings: () => config.budgets });
  const alerts = new DaemonAlerts({
    broadcast: new ClientBroadcast(),
    log: (level, msg, fields) => lines.push({ level, msg, fields }),
    config: () => config,
    budgets,
    startedAt: 1_000,
    now: () => 2_000,
  });
  return { lines, budgets, alerts };
}

describe('DaemonAlerts', () => {
  it('logs a cleared alert as info, a critical one as an error and the rest as warnings', () => {
    const alert = {
      id: 'a',
      kind: 'budget',
      severity: 'warning',
      message: 'm',
      value: 1,
      threshold: 1,
      firedAt: 0,
      lastSentAt: 0,
      clearedAt: null,
    } as const;
    expect(alertLogLevel({ type: 'fired', alert })).toBe('warn');
    expect(alertLogLevel({ type: 'fired', alert: { ...alert, severity: 'critical' } })).toBe('error');
    expect(alertLogLevel({ type: 'cleared', alert: { ...alert, severity: 'critical' } })).toBe('info');
  });

  it('logs a rejected key once, at the level of its severity, with the key id but not the key', () => {
    const { lines, alerts } = setup();
    alerts.keyRejected({ provider: 'openai', profile: 'default', keyId: 'k1', nextKeyId: undefined });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe('error');
    expect(lines[0]?.msg).toMatch(/^alert fired: The openai key k1/);
    expect(lines[0]?.fields).toMatchObject({ provider: 'openai', profile: 'default', keyId: 'k1' });
  });

  it('sends a budget warning once per threshold crossed', () => {
    const { lines, alerts, budgets } = setup(configSchema.parse({ budgets: { dailyUsd: 10 } }));
    alerts.checkBudgets();
    expect(lines).toHaveLength(0);
    budgets.addSpend('default', 6);
    alerts.checkBudgets();
    alerts.checkBudgets();
    expect(lines.map((l) => l.level)).toEqual(['warn']);
    expect(lines[0]?.fields).toMatchObject({ threshold: 0.5 });
  });
});
