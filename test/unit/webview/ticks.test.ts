import { describe, expect, it } from 'vitest';
import { decimalsOf, msColumn, niceTicks, tickLabels, usdColumn } from '../../../webview/ticks';
import { usd } from '../../../webview/format';

describe('value-axis ticks', () => {
  it('are 0 and steps of 1, 2 or 5 × 10^k up to the first at or above the largest value', () => {
    expect(niceTicks(0.0031)).toEqual([0, 0.001, 0.002, 0.003, 0.004]);
    expect(niceTicks(1000)).toEqual([0, 500, 1000]);
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0.3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(Number.NaN)).toEqual([0, 1]);
  });

  it('never repeat a label and keep one precision per axis, for amounts from a hundredth of a cent to thousands', () => {
    for (const unit of ['usd', 'ms', 'tokens', 'count', 'percent'] as const) {
      for (let max = 0.00003; max < 5e6; max *= 1.37) {
        const labels = tickLabels(unit, niceTicks(max));
        expect(new Set(labels).size).toBe(labels.length);
        const decimals = new Set(labels.map((l) => /\.(\d+)/.exec(l)?.[1]?.length ?? 0));
        expect(decimals.size).toBe(1);
      }
    }
  });

  it('write small costs with the digits their step needs, with the dollar sign', () => {
    expect(tickLabels('usd', niceTicks(0.0031))).toEqual(['$0.000', '$0.001', '$0.002', '$0.003', '$0.004']);
    expect(tickLabels('usd', niceTicks(0.00004))).toEqual(['$0.00000', '$0.00001', '$0.00002', '$0.00003', '$0.00004']);
    expect(tickLabels('usd', niceTicks(12))).toEqual(['$0.00', '$5.00', '$10.00', '$15.00']);
  });

  it('write durations in one unit per axis: ms, or seconds once the top reaches 10 s', () => {
    expect(tickLabels('ms', niceTicks(1800))).toEqual(['0 ms', '500 ms', '1000 ms', '1500 ms', '2000 ms']);
    expect(tickLabels('ms', niceTicks(24_000))).toEqual(['0 s', '10 s', '20 s', '30 s']);
  });

  it('decimalsOf: what a step needs', () => {
    expect(decimalsOf(0.05)).toBe(2);
    expect(decimalsOf(0.1)).toBe(1);
    expect(decimalsOf(1)).toBe(0);
    expect(decimalsOf(20)).toBe(0);
  });
});

describe('one precision per column', () => {
  it('costs: enough decimals for the smallest amount, and "< $0.0001" below that, never $0.0000', () => {
    const f = usdColumn([1.5, 0.0034, null, 0.00002, 0]);
    expect([1.5, 0.0034, 0.00002, 0, null].map(f)).toEqual(['$1.5000', '$0.0034', '< $0.0001', '$0.0000', '—']);
    const g = usdColumn([12.3, 0.5]);
    expect([12.3, 0.5].map(g)).toEqual(['$12.30', '$0.50']);
  });

  it('durations: whole ms, or seconds for the whole column once one reaches 10 s', () => {
    expect([120, 9000].map(msColumn([120, 9000]))).toEqual(['120 ms', '9000 ms']);
    expect([120, 12_000].map(msColumn([120, 12_000]))).toEqual(['0.1 s', '12.0 s']);
  });

  it('usd() of a single amount: a cost that is not zero never reads as $0.0000', () => {
    expect(usd(0.00003)).toBe('< $0.0001');
    expect(usd(0.0042)).toBe('$0.0042');
    expect(usd(0)).toBe('$0.00');
  });
});
