import { describe, expect, it } from 'vitest';
import { breakdownCells } from '../../../../daemon/server/handlers/usageHandlers';
import { seededRows } from '../../../webview/seededLedger';

describe('usage/breakdown cells', () => {
  it('sum every row once into its day × provider × model × feature cell', () => {
    const rows = seededRows();
    const cells = breakdownCells(rows, 0);
    expect(cells.reduce((s, c) => s + c.requests, 0)).toBe(rows.length);
    expect(cells.reduce((s, c) => s + c.costUsd, 0)).toBeCloseTo(
      rows.reduce((s, r) => s + (r.costUsd ?? 0), 0),
      6,
    );
    expect(cells.reduce((s, c) => s + c.errors, 0)).toBe(rows.filter((r) => r.errorCode !== null).length);
    expect(new Set(cells.map((c) => JSON.stringify([c.day, c.provider, c.model, c.feature]))).size).toBe(cells.length);
    expect(cells.map((c) => c.day)).toEqual([...cells.map((c) => c.day)].sort());
  });

  it("keys days at the client's offset", () => {
    const [row] = seededRows();
    const late = { ...row!, startedAt: Date.UTC(2026, 2, 1, 23, 30) };
    expect(breakdownCells([late], 0)[0]!.day).toBe('2026-03-01');
    expect(breakdownCells([late], 60)[0]!.day).toBe('2026-03-02');
  });
});
