import { describe, expect, it } from 'vitest';
import { takesPlaceOf } from '../../../extension/threadPlacement';

describe('one explanation thread per symbol', () => {
  it('the same declaration, selected differently, replaces the thread', () => {
    expect(takesPlaceOf({ startLine: 3, endLine: 9 }, { startLine: 3, endLine: 8 })).toBe(true);
    expect(takesPlaceOf({ startLine: 3, endLine: 9 }, { startLine: 5, endLine: 9 })).toBe(true);
  });

  it('a method inside an explained class, or other code, keeps its own thread', () => {
    expect(takesPlaceOf({ startLine: 4, endLine: 6 }, { startLine: 0, endLine: 20 })).toBe(false);
    expect(takesPlaceOf({ startLine: 30, endLine: 31 }, { startLine: 0, endLine: 20 })).toBe(false);
  });
});
