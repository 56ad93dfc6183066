import { describe, expect, it } from 'vitest';
import { contrastRatio, parseColor, seriesColours } from '../../../webview/contrast';

describe('series colour contrast', () => {
  it('parses the colours getComputedStyle gives', () => {
    expect(parseColor('#d18616')).toEqual([209, 134, 22, 1]);
    expect(parseColor('#fff')).toEqual([255, 255, 255, 1]);
    expect(parseColor('#00000080')![3]).toBeCloseTo(0.502, 3);
    expect(parseColor('rgb(31, 31, 31)')).toEqual([31, 31, 31, 1]);
    expect(parseColor('rgba(128, 128, 128, 0.35)')).toEqual([128, 128, 128, 0.35]);
    expect(parseColor('var(--x)')).toBeNull();
  });

  it('computes the WCAG ratio: 21 for black on white, 1 for a colour on itself', () => {
    expect(contrastRatio([0, 0, 0, 1], [255, 255, 255, 1])).toBeCloseTo(21, 5);
    expect(contrastRatio([209, 134, 22, 1], [209, 134, 22, 1])).toBeCloseTo(1, 5);
  });

  it('swaps a colour under 3:1 for the theme colour with the most contrast, keeping the ones that pass', () => {
    // A light background, and an orange that is too pale on it (as charts.orange in Light Modern).
    const light = '#ffffff';
    const preferred = ['#1a85ff', '#f0c080', '#388a34'];
    const spares = ['#ffff00', '#795e26', '#3b3b3b'];
    const out = seriesColours(preferred, spares, light);
    expect(out[0]).toBe('#1a85ff');
    expect(out[2]).toBe('#388a34');
    expect(out[1]).toBe('#3b3b3b');
    for (const c of out) expect(contrastRatio(parseColor(c)!, parseColor(light)!)).toBeGreaterThanOrEqual(3);
    expect(new Set(out).size).toBe(out.length);
  });

  it('on a dark background an orange too close to it is replaced; unparseable colours are kept', () => {
    const dark = 'rgb(31, 31, 31)';
    const out = seriesColours(['#4daafc', '#5a3a10', 'var(--odd)'], ['#e5e510', '#cccccc'], dark);
    expect(out[0]).toBe('#4daafc');
    expect(out[1]).not.toBe('#5a3a10');
    expect(contrastRatio(parseColor(out[1]!)!, parseColor(dark)!)).toBeGreaterThanOrEqual(3);
    expect(out[2]).toBe('var(--odd)');
  });

  it('with no background it can read, the theme colours stay as they are', () => {
    expect(seriesColours(['#111111'], ['#eeeeee'], '')).toEqual(['#111111']);
  });
});
