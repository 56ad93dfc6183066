import { describe, expect, it } from 'vitest';
import { ConduitError } from '../../../../../protocol';
import { exactKey, semanticScope } from '../../../../../daemon/cache/cacheKey';
import { toAnthropicParams } from '../../../../../daemon/providers/anthropic/anthropicRequest';
import { capabilitiesOf } from '../../../../../daemon/providers/capabilities/modelCapabilities';
import { planRequest } from '../../../../../daemon/providers/capabilities/requestPlan';
import { toGeminiParams } from '../../../../../daemon/providers/gemini/geminiRequest';
import { toOpenAIParams } from '../../../../../daemon/providers/openai/openaiRequest';
import type { ProviderRequest } from '../../../../../daemon/providers/types';
import { req as cacheReq } from '../../cache/helpers';

const req = (model: string, over: Partial<ProviderRequest> = {}): ProviderRequest => ({
  model,
  messages: [{ role: 'user', content: 'q' }],
  maxTokens: 100,
  stop: ['\n\n'],
  ...over,
});
const plan = (provider: string, r: ProviderRequest) => planRequest(capabilitiesOf(provider, r.model), r);
const openai = { id: 'openai', maxTokensField: 'max_completion_tokens', requireUsageChunk: true } as const;

describe('stop sequences, mapped as each provider documents them', () => {
  it('Anthropic stop_sequences, OpenAI stop, Gemini generationConfig stopSequences', () => {
    expect(toAnthropicParams(req('claude-sonnet-4-5')).stop_sequences).toEqual(['\n\n']);
    expect(toOpenAIParams(req('gpt-4.1-mini'), openai).stop).toEqual(['\n\n']);
    expect(toOpenAIParams(req('llama3.1'), { ...openai, id: 'openaiCompatible' }).stop).toEqual(['\n\n']);
    expect(toGeminiParams(req('gemini-2.5-flash'), {}).config?.stopSequences).toEqual(['\n\n']);
    // Absent, nothing is sent.
    const none = req('gpt-4.1-mini', { stop: undefined });
    expect(toOpenAIParams(none, openai)).not.toHaveProperty('stop');
    expect(toAnthropicParams({ ...none, model: 'claude-sonnet-4-5' })).not.toHaveProperty('stop_sequences');
  });

  it('GPT-5, mini, nano and the o-series take no stop: dropped, with a note', () => {
    for (const model of ['gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'o3', 'o4-mini']) {
      const p = plan('openai', req(model));
      expect(p.request.stop, model).toBeUndefined();
      expect(p.adjusted).toEqual([
        `stop sequences dropped: ${model} takes no stop sequences; the answer may run past them`,
      ]);
      expect(toOpenAIParams(req(model), openai)).not.toHaveProperty('stop');
    }
  });

  it('GPT-5.4 and later: stop with reasoning_effort "none", dropped with an effort', () => {
    expect(toOpenAIParams(req('gpt-5.4-mini'), openai)).toMatchObject({ stop: ['\n\n'], reasoning_effort: 'none' });
    const withEffort = toOpenAIParams(req('gpt-5.4-mini', { reasoningEffort: 'low' }), openai);
    expect(withEffort).not.toHaveProperty('stop');
    expect(withEffort.reasoning_effort).toBe('low');
  });

  it('Azure, Bedrock and Vertex inherit the row of the model they serve', () => {
    expect(plan('azureOpenai', req('gpt-5-mini')).request.stop).toBeUndefined();
    expect(plan('azureOpenai', req('gpt-4.1-mini')).request.stop).toEqual(['\n\n']);
    expect(capabilitiesOf('anthropicBedrock', 'global.anthropic.claude-sonnet-5-5').stopSequences).toEqual({
      max: null,
    });
    expect(capabilitiesOf('anthropicVertex', 'claude-sonnet-4-5@20250929').stopSequences).toEqual({ max: null });
    expect(capabilitiesOf('geminiVertex', 'gemini-2.5-flash').stopSequences).toEqual({ max: 5 });
  });

  it("more than the model's documented count is refused as bad_request, naming the limit", () => {
    const five = ['1', '2', '3', '4', '5'];
    expect(() => plan('openai', req('gpt-4.1', { stop: five }))).toThrow(ConduitError);
    expect(() => plan('openai', req('gpt-4.1', { stop: five }))).toThrow(
      /5 stop sequences given; gpt-4.1 takes at most 4/,
    );
    expect(plan('gemini', req('gemini-2.5-pro', { stop: five })).request.stop).toEqual(five);
    expect(() => plan('gemini', req('gemini-2.5-pro', { stop: [...five, '6'] }))).toThrow(/at most 5/);
    const many = Array.from({ length: 12 }, (_, i) => `s${i}`);
    expect(plan('anthropic', req('claude-opus-5-5', { stop: many })).request.stop).toEqual(many);
  });
});

describe('stop sequences in the cache keys', () => {
  it('another stop list is another exact key and another semantic scope; none keeps the old key', () => {
    const a = cacheReq('q', { stop: ['\n'] });
    const b = cacheReq('q', { stop: ['END'] });
    expect(exactKey(a)).not.toBe(exactKey(b));
    expect(exactKey(a)).not.toBe(exactKey(cacheReq('q')));
    expect(exactKey(a)).toBe(exactKey(cacheReq('q', { stop: ['\n'] })));
    expect(semanticScope(a)).not.toBe(semanticScope(b));
    expect(semanticScope(a)).not.toBe(semanticScope(cacheReq('q')));
    expect(exactKey(cacheReq('q', { stop: [] }))).toBe(exactKey(cacheReq('q')));
    const tools = { tools: [{ name: 't', inputSchema: { type: 'object' } }] };
    expect(exactKey(cacheReq('q', { ...tools, stop: ['\n'] }))).not.toBe(exactKey(cacheReq('q', tools)));
  });
});
