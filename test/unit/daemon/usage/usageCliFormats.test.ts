import { describe, expect, it } from 'vitest';
import { csvLine } from '../../../../daemon/usage/usageCsv';
import { parseTimeSpec } from '../../../../daemon/usage/timeSpec';

describe('parseTimeSpec', () => {
  const now = new Date(2025, 4, 20, 15, 30).getTime();
  it('reads durations back from now, today, local dates and ISO times', () => {
    expect(parseTimeSpec('7d', now)).toBe(now - 7 * 86_400_000);
    expect(parseTimeSpec('24h', now)).toBe(now - 86_400_000);
    expect(parseTimeSpec('30m', now)).toBe(now - 1_800_000);
    expect(parseTimeSpec('2w', now)).toBe(now - 14 * 86_400_000);
    expect(parseTimeSpec('today', now)).toBe(new Date(2025, 4, 20).getTime());
    expect(parseTimeSpec('2025-03-01', now)).toBe(new Date(2025, 2, 1).getTime());
    expect(parseTimeSpec('2025-03-01T10:00:00Z', now)).toBe(Date.UTC(2025, 2, 1, 10));
    expect(parseTimeSpec('last week', now)).toBeNull();
  });
});

describe('csvLine', () => {
  it('quotes commas, quotes and newlines, and defuses spreadsheet formulas in text', () => {
    expect(csvLine(['a', 1, null, true, 'x,y', 'say "hi"', 'two\nlines'])).toBe(
      'a,1,,true,"x,y","say ""hi""","two\nlines"\n',
    );
    expect(csvLine(['=HYPERLINK("x")', -1.5, '@sum'])).toBe(`"'=HYPERLINK(""x"")",-1.5,'@sum\n`);
  });
});
