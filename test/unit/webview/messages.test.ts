import { describe, expect, it } from 'vitest';
import { parseFromWebview } from '../../../protocol/webview';

describe('messages from the panel page', () => {
  it('accepts the typed messages', () => {
    expect(parseFromWebview({ type: 'refresh' })).toEqual({ type: 'refresh' });
    expect(parseFromWebview({ type: 'ready', filters: { range: '7d' } })).toEqual({
      type: 'ready',
      filters: { range: '7d' },
    });
    // A page with nothing chosen asks for the range to be fitted; only a real `true` counts.
    expect(parseFromWebview({ type: 'ready', filters: { range: '30d' }, fitRange: true })).toEqual({
      type: 'ready',
      filters: { range: '30d' },
      fitRange: true,
    });
    expect(parseFromWebview({ type: 'ready', filters: { range: '30d' }, fitRange: 'yes' })).toEqual({
      type: 'ready',
      filters: { range: '30d' },
    });
    expect(parseFromWebview({ type: 'filters', filters: { range: 'today' } })).toEqual({
      type: 'filters',
      filters: { range: 'today' },
    });
    expect(
      parseFromWebview({ type: 'exportCsv', filters: { range: '30d', provider: 'openai', model: '', feature: 'ask' } }),
    ).toEqual({ type: 'exportCsv', filters: { range: '30d', provider: 'openai', feature: 'ask' } });
  });

  it('refuses anything else', () => {
    expect(parseFromWebview(null)).toBeUndefined();
    expect(parseFromWebview({ type: 'eval', code: '1' })).toBeUndefined();
    expect(parseFromWebview({ type: 'filters', filters: { range: '1y' } })).toBeUndefined();
    expect(parseFromWebview({ type: 'filters', filters: { range: '7d', model: 5 } })).toBeUndefined();
    expect(parseFromWebview({ type: 'filters', filters: { range: '7d', model: 'x'.repeat(201) } })).toBeUndefined();
  });
});
