import { describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../../../../daemon/providers/capabilities/modelCapabilities';
import { MODELS_CATALOGUE } from '../../../../../daemon/router/modelsCatalogue';

describe('the capability table', () => {
  it('gives every catalogued model a row of its own family, never the unknown-id fallback, with its sources', () => {
    for (const m of MODELS_CATALOGUE) {
      const caps = capabilitiesOf(m.provider, m.id);
      expect(caps.family, m.id).not.toMatch(/unknown|compatible/);
      expect(caps.sources.length, m.id).toBeGreaterThan(0);
      for (const s of caps.sources) expect(s, m.id).toMatch(/^https:\/\//);
    }
  });

  it.each([
    ['claude-opus-5-5', 'anthropicAdaptive', 'removed', 'anthropicFormat'],
    ['claude-sonnet-5', 'anthropicAdaptive', 'removed', 'anthropicFormat'],
    ['claude-opus-4-7', 'anthropicAdaptive', 'removed', 'anthropicFormat'],
    ['claude-sonnet-4-6', 'anthropicAdaptive', 'notWithThinking', 'anthropicFormat'],
    ['claude-sonnet-4-5-20250929', 'anthropicBudget', 'notWithThinking', 'anthropicFormat'],
    ['claude-haiku-4-5', 'anthropicBudget', 'notWithThinking', 'anthropicFormat'],
    ['claude-opus-4-1', 'anthropicBudget', 'notWithThinking', 'anthropicTool'],
  ])('Anthropic %s: %s thinking, sampling %s, structured output by %s', (model, thinking, sampling, structured) => {
    const caps = capabilitiesOf('anthropic', model);
    expect([caps.thinking.kind, caps.sampling, caps.structuredOutput]).toEqual([thinking, sampling, structured]);
  });

  it('OpenAI: GPT-5 takes only the default temperature and 272k of input; GPT-5.4 a temperature at effort "none"', () => {
    expect(capabilitiesOf('openai', 'gpt-5-mini-2025-08-07')).toMatchObject({
      sampling: 'defaultOnly',
      window: 400_000,
      maxInput: 272_000,
      maxTokensField: 'max_completion_tokens',
    });
    expect(capabilitiesOf('openai', 'gpt-5.4')).toMatchObject({
      sampling: 'onlyWithoutReasoning',
      window: 1_050_000,
      maxInput: 922_000,
    });
    expect(capabilitiesOf('openai', 'gpt-5.6-sol')).toMatchObject({ family: 'gpt-5.4+', objectRootOnly: true });
    expect(capabilitiesOf('openai', 'gpt-4.1')).toMatchObject({ sampling: 'any', thinking: { kind: 'none' } });
  });

  it('Gemini: thinkingLevel from 3 on (Gemini 3 Pro: low and high only), thinkingBudget on 2.5; output counted apart', () => {
    expect(capabilitiesOf('gemini', 'gemini-3.8-flash').thinking).toEqual({
      kind: 'geminiLevel',
      levels: ['low', 'medium', 'high'],
    });
    expect(capabilitiesOf('gemini', 'models/gemini-3-pro-preview').thinking).toEqual({
      kind: 'geminiLevel',
      levels: ['low', 'high'],
    });
    expect(capabilitiesOf('gemini', 'gemini-2.5-pro')).toMatchObject({
      thinking: { kind: 'geminiBudget' },
      inputLimit: 'separate',
      maxInput: 1_048_576,
      objectRootOnly: false,
    });
  });

  it('platforms inherit the row of the model they serve', () => {
    expect(capabilitiesOf('anthropicBedrock', 'global.anthropic.claude-sonnet-5-5')).toMatchObject({
      family: 'claude-4.7+',
      window: 1_000_000,
    });
    expect(capabilitiesOf('anthropicBedrock', 'anthropic.claude-sonnet-4-5-20250929-v1:0')).toMatchObject({
      family: 'claude-4.5',
      window: 200_000,
      structuredOutput: 'anthropicFormat',
    });
    // Vertex AI documents structured outputs for Claude 4.6 and later only.
    expect(capabilitiesOf('anthropicVertex', 'claude-haiku-4-5@20251001')).toMatchObject({
      thinking: { kind: 'anthropicBudget' },
      structuredOutput: 'anthropicTool',
    });
    expect(capabilitiesOf('anthropicVertex', 'claude-opus-4-6').structuredOutput).toBe('anthropicFormat');
    expect(capabilitiesOf('geminiVertex', 'gemini-3.8-flash').thinking.kind).toBe('geminiLevel');
    expect(capabilitiesOf('azureOpenai', 'gpt-5')).toMatchObject({ sampling: 'defaultOnly', maxInput: 272_000 });
    expect(capabilitiesOf('openaiCompatible', 'llama3.3')).toMatchObject({
      family: 'openai-compatible',
      maxTokensField: 'max_tokens',
      window: null,
    });
  });
});
