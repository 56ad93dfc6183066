import { describe, expect, it } from 'vitest';
import { resolveModelName } from '../../../../daemon/http/modelName';

describe('resolveModelName', () => {
  it('reads tiers, provider/model, catalogue ids and family prefixes', () => {
    expect(resolveModelName('conduit/simple')).toEqual({ tier: 'simple' });
    expect(resolveModelName('conduit/auto')).toEqual({});
    expect(resolveModelName('conduit/huge')).toBeUndefined();
    expect(resolveModelName('openaiCompatible/llama3.1')).toEqual({ provider: 'openaiCompatible', model: 'llama3.1' });
    expect(resolveModelName('claude-haiku-5-5')).toEqual({ provider: 'anthropic', model: 'claude-haiku-5-5' });
    expect(resolveModelName('gpt-5.4-mini')).toEqual({ provider: 'openai', model: 'gpt-5.4-mini' });
    expect(resolveModelName('gemini-3.8-flash')).toEqual({ provider: 'gemini', model: 'gemini-3.8-flash' });
    // Newer than the catalogue: the family says which provider serves it.
    expect(resolveModelName('claude-future-9')).toEqual({ provider: 'anthropic', model: 'claude-future-9' });
    expect(resolveModelName('mistral-large')).toBeUndefined();
  });
});
