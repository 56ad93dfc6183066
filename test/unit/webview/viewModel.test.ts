import { describe, expect, it } from 'vitest';
import { daysBetween, monthOf } from '../../../webview/calendar';
import { filterCells, MAX_STACKS, projectMonth, snapshotView } from '../../../webview/viewModel';
import { NOW, seededLive, seededRows, seededSnapshot } from '../../webview/seededLedger';

describe('the panel view model', () => {
  it('projects the month linearly from the spend so far', () => {
    expect(projectMonth(10, 10, 30)).toBe(30);
    expect(projectMonth(0, 5, 31)).toBe(0);
    expect(projectMonth(4, 0, 31)).toBe(4);
  });

  it("knows the month at the client's offset", () => {
    const m = monthOf(Date.UTC(2026, 1, 28, 23, 30), 60); // 00:30 on 1 March at UTC+1
    expect(m.key).toBe('2026-03');
    expect(m.days).toBe(31);
    expect(m.elapsedDays).toBeCloseTo(0.5 / 24, 6);
    expect(m.dayKeys.at(-1)).toBe('2026-03-31');
  });

  it('lists every day of a range, empty days included', () => {
    expect(daysBetween(Date.UTC(2026, 2, 1, 12), Date.UTC(2026, 2, 4, 1), 0)).toEqual([
      '2026-03-01',
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
    ]);
  });

  it('shows the month without a budget line when no budget is known', () => {
    const view = snapshotView(seededSnapshot(undefined, undefined, {}), 'model');
    expect(view.budgetUsd).toBeUndefined();
    expect(view.cards.find((c) => c.id === 'month-cost')?.detail).toMatch(/^projected \$\d+\.\d+ by month end$/);
    expect(view.charts.find((c) => c.id === 'month')?.series.map((s) => s.label)).toEqual(['spent', 'projected']);
  });

  it("takes the daemon's budget over the setting", () => {
    const live = seededLive();
    live.status!.budgets = { monthly: { limitUsd: 40 } };
    expect(snapshotView(seededSnapshot(), 'model', live).budgetUsd).toBe(40);
    expect(snapshotView(seededSnapshot(), 'model').budgetUsd).toBe(5);
  });

  it('stacks at most MAX_STACKS series, the rest as "other", and the stacks add up to the day', () => {
    const rows = seededRows().map((r, i) => ({ ...r, model: `m${i % 9}` }));
    const s = seededSnapshot(rows);
    const cost = snapshotView(s, 'model').charts.find((c) => c.id === 'cost')!;
    expect(cost.series).toHaveLength(MAX_STACKS);
    expect(cost.series.at(-1)!.label).toBe('other');
    const total = cost.series.reduce((sum, series) => sum + series.values.reduce<number>((a, v) => a + (v ?? 0), 0), 0);
    expect(total).toBeCloseTo(s.daily.total.costUsd, 6);
  });

  it('filters breakdown cells by provider, model and feature', () => {
    const cells = seededSnapshot().breakdown!.cells;
    const openai = filterCells(cells, { range: '30d', provider: 'openai' });
    expect(openai.length).toBeGreaterThan(0);
    expect(openai.every((c) => c.provider === 'openai')).toBe(true);
    expect(filterCells(cells, { range: '30d', provider: 'openai', model: 'claude-sonnet-5-5' })).toEqual([]);
  });

  it("without the breakdown (the first paint's part): the cost chart is the per-day total, no filter choices yet", () => {
    const whole = seededSnapshot();
    const { breakdown: _left, ...part } = whole;
    const view = snapshotView({ ...part, partial: true }, 'model');
    expect(view.options).toBeUndefined();
    const cost = view.charts.find((c) => c.id === 'cost')!;
    expect(cost.series.map((x) => x.label)).toEqual(['all']);
    expect(cost.x).toEqual(snapshotView(whole, 'model').charts[0]!.x);
    const total = cost.series[0]!.values.reduce<number>((a, v) => a + (v ?? 0), 0);
    expect(total).toBeCloseTo(whole.daily.total.costUsd, 6);
    // The cards need only the totals: the same as the whole snapshot's.
    expect(view.cards).toEqual(snapshotView(whole, 'model').cards);
  });

  it('offers filter choices from the unfiltered breakdown', () => {
    const view = snapshotView(seededSnapshot(), 'feature');
    expect(view.options?.providers).toEqual(['anthropic', 'gemini', 'openai']);
    expect(view.options?.features).toContain('explain');
    expect(view.today).toBe(new Date(NOW).toISOString().slice(0, 10));
  });
});
