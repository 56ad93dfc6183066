import { describe, expect, it } from 'vitest';
import { openaiRefusal } from '../../fakes/openaiRules';
import { geminiRefusal } from '../../fakes/geminiRules';
import { applyStopSequences, stopSequencesOf } from '../../fakes/stopRules';

describe('the fake provider under stop sequences', () => {
  it('reads them where each API puts them', () => {
    expect(stopSequencesOf('anthropic', { stop_sequences: ['a'] })).toEqual(['a']);
    expect(stopSequencesOf('openai', { stop: 'b' })).toEqual(['b']);
    expect(stopSequencesOf('azure', { stop: ['c', 'd'] })).toEqual(['c', 'd']);
    expect(stopSequencesOf('gemini', { generationConfig: { stopSequences: ['e'] } })).toEqual(['e']);
  });

  it('cuts before the earliest occurrence and reports it in each API’s words', () => {
    const script = { text: 'one two three four', chunks: 3 };
    expect(applyStopSequences('anthropic', script, ['four', 'two'])).toMatchObject({
      text: 'one ',
      stopReason: 'stop_sequence',
      stopSequence: 'two',
    });
    expect(applyStopSequences('openai', script, ['three'])).toMatchObject({ text: 'one two ', stopReason: 'stop' });
    expect(applyStopSequences('gemini', script, ['three'])).toMatchObject({ stopReason: 'STOP' });
    expect(applyStopSequences('openai', script, ['absent'])).toBe(script);
  });

  it("answers 400 with the provider's body to too many, or to stop on a model that takes none", () => {
    expect(openaiRefusal('gpt-4.1', { stop: ['1', '2', '3', '4', '5'] })).toMatchObject({
      status: 400,
      error: { param: 'stop', code: 'array_above_max_length' },
    });
    expect(openaiRefusal('gpt-4.1', { stop: ['1', '2', '3', '4'] })).toBeUndefined();
    for (const model of ['gpt-5', 'gpt-5-mini', 'o3', 'o4-mini'])
      expect(openaiRefusal(model, { stop: ['x'] })?.error, model).toMatchObject({ code: 'unsupported_parameter' });
    expect(openaiRefusal('gpt-5.4-mini', { stop: ['x'], reasoning_effort: 'low' })).toBeDefined();
    expect(openaiRefusal('gpt-5.4-mini', { stop: ['x'], reasoning_effort: 'none' })).toBeUndefined();
    const six = { generationConfig: { stopSequences: ['1', '2', '3', '4', '5', '6'] } };
    expect(geminiRefusal('gemini-2.5-flash', six)).toMatchObject({ status: 400, error: { type: 'INVALID_ARGUMENT' } });
  });
});
