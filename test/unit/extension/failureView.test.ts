import { describe, expect, it } from 'vitest';
import { classifyError, classifyResult, classifyThrown } from '../../../extension/failureView';
import { ConduitError } from '../../../protocol';

describe('failure classification', () => {
  it('a rejected key: the error style, Set API Key first, no CLI advice or placeholder', () => {
    const f = classifyError({
      code: 'auth',
      provider: 'anthropic',
      status: 401,
      message:
        'Anthropic (HTTP 401 authentication_error): invalid x-api-key Check the API key: run `conduit key set PROVIDER`.',
    })!;
    expect(f.view.severity).toBe('error');
    expect(f.view.title).toBe('Anthropic rejected the API key (HTTP 401).');
    expect(f.view.actions).toEqual(['setApiKey', 'switchProvider', 'showLogs']);
    expect(f.view.detail).not.toMatch(/PROVIDER|conduit key set/);
    expect(f).toMatchObject({ kind: 'auth', provider: 'anthropic', notify: true, statusBar: true });
  });

  it('an outage (HTTP 500) is a warning with Retry', () => {
    const f = classifyError({
      code: 'server_error',
      provider: 'openai',
      status: 500,
      message: 'OpenAI (HTTP 500): boom',
    })!;
    expect(f.view).toMatchObject({ severity: 'warning', title: 'OpenAI is unavailable (HTTP 500).' });
    expect(f.view.actions[0]).toBe('retry');
    expect(f.view.detail).toContain('OpenAI (HTTP 500): boom');
    expect(f.statusBar).toBe(true);
  });

  it('a budget refusal is a warning that points to the usage panel, not a Retry', () => {
    const f = classifyError({ code: 'budget_exceeded', message: 'The daily budget of $1.00 would be passed.' })!;
    expect(f.kind).toBe('budget');
    expect(f.view.severity).toBe('warning');
    expect(f.view.actions).toEqual(['showUsage', 'showLogs']);
    expect(f.view.actions).not.toContain('retry');
  });

  it('a request the provider refused is an error of that request: no status bar warning', () => {
    const f = classifyError({ code: 'too_large', message: 'too large' })!;
    expect(f).toMatchObject({ kind: 'request', statusBar: false, notify: true });
    expect(f.view.severity).toBe('error');
  });

  it('a cancel is no failure', () => {
    expect(classifyError({ code: 'cancelled', message: 'Cancelled' })).toBeUndefined();
  });

  it("Conduit's simplified answer is a warning with Retry and Switch Provider", () => {
    const f = classifyResult({
      provider: 'anthropic',
      cache: 'none',
      degraded: { code: 'server_error', message: 'Anthropic (HTTP 500): Internal server error' },
    })!;
    expect(f.view.severity).toBe('warning');
    expect(f.view.title).toBe('No model answered: Anthropic is unavailable.');
    expect(f.view.actions).toEqual(['retry', 'switchProvider', 'showLogs']);
    expect(f).toMatchObject({ kind: 'outage', notify: true, statusBar: true });
  });

  it('a stale cache answer is a warning shown in the panel, without a notification', () => {
    const f = classifyResult({ provider: 'anthropic', cache: 'stale' })!;
    expect(f.view.severity).toBe('warning');
    expect(f.notify).toBe(false);
  });

  it('a good answer is none of these', () => {
    expect(classifyResult({ provider: 'anthropic', cache: 'none' })).toBeUndefined();
    expect(classifyResult({ provider: 'anthropic', cache: 'exact' })).toBeUndefined();
  });

  it('a thrown value: the daemon error as classified, a cancel as nothing, anything else an internal error', () => {
    const budget = classifyThrown(
      new ConduitError({ code: 'budget_exceeded', message: 'over the daily budget of $1' }),
    );
    expect(budget).toMatchObject({ kind: 'budget', notify: true, statusBar: true });
    expect(classifyThrown(new ConduitError({ code: 'cancelled', message: 'cancelled' }))).toBeUndefined();
    const other = classifyThrown(new TypeError('boom'))!;
    expect(other).toMatchObject({ kind: 'request', statusBar: false });
    expect(other.view.detail).toContain('boom');
  });
});
