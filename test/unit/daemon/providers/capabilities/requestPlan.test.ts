import { describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../../../../daemon/providers/capabilities/modelCapabilities';
import { planRequest } from '../../../../../daemon/providers/capabilities/requestPlan';
import type { ProviderRequest } from '../../../../../daemon/providers/types';

const req = (model: string, over: Partial<ProviderRequest> = {}): ProviderRequest => ({
  model,
  messages: [{ role: 'user', content: 'q' }],
  maxTokens: 100,
  ...over,
});
const plan = (provider: string, r: ProviderRequest) => planRequest(capabilitiesOf(provider, r.model), r);
const list = { type: 'array', items: { type: 'string' } };

describe('fitting a request to its model before sending', () => {
  it('drops a temperature the model does not take, and says why', () => {
    const p = plan('openai', req('gpt-5', { temperature: 0.5 }));
    expect(p.request.temperature).toBeUndefined();
    expect(p.adjusted).toEqual(['temperature 0.5 dropped: gpt-5 takes only the default temperature']);
    expect(plan('anthropic', req('claude-opus-5-5', { temperature: 0 })).adjusted[0]).toContain(
      'takes no sampling parameters',
    );
    expect(plan('anthropic', req('claude-sonnet-4-5', { temperature: 0.7 })).request.temperature).toBe(0.7);
    expect(
      plan('openai', req('gpt-5.4', { temperature: 0.7, reasoningEffort: 'low' })).request.temperature,
    ).toBeUndefined();
  });

  it('sends an effort the model lacks as the next higher it has; drops it where there is none', () => {
    const pro = plan('gemini', req('gemini-3-pro-preview', { reasoningEffort: 'medium' }));
    expect(pro.request.reasoningEffort).toBe('high');
    expect(pro.adjusted[0]).toContain('"medium" sent as "high"');
    const none = plan('openai', req('gpt-4.1', { reasoningEffort: 'high', temperature: 0.2 }));
    expect(none.request.reasoningEffort).toBeUndefined();
    expect(none.request.temperature).toBe(0.2);
  });

  it("wraps a non-object schema root where only objects are taken, and leaves Gemini's alone", () => {
    const p = plan('openai', req('gpt-5.4-mini', { responseSchema: { name: 'n', schema: list } }));
    expect(p.wrapKey).toBe('items');
    expect(p.request.responseSchema?.schema).toEqual({
      type: 'object',
      properties: { items: list },
      required: ['items'],
      additionalProperties: false,
    });
    expect(
      plan('gemini', req('gemini-2.5-flash', { responseSchema: { name: 'n', schema: list } })).wrapKey,
    ).toBeUndefined();
    const anyOf = plan(
      'anthropic',
      req('claude-sonnet-5-5', {
        responseSchema: { name: 'n', schema: { anyOf: [{ type: 'string' }, { type: 'number' }] } },
      }),
    );
    expect(anyOf.wrapKey).toBe('value');
  });

  it("lowers max_tokens to the model's most output, and is idempotent", () => {
    const p = plan(
      'anthropic',
      req('claude-sonnet-4-5', { maxTokens: 300_000, temperature: 0.1, responseSchema: { name: 'n', schema: list } }),
    );
    expect(p.request.maxTokens).toBe(64_000);
    const again = planRequest(p.request.capabilities!, p.request);
    expect(again.request).toEqual(p.request);
    expect(again.adjusted).toEqual([]);
  });
});
