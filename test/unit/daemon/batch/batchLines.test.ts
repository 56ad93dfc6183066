import { describe, expect, it } from 'vitest';
import { ConduitError } from '../../../../protocol';
import { parseBatchLines } from '../../../../daemon/batch/batchLines';
import { configSchema } from '../../../../daemon/config/config';
import { capabilitiesOf } from '../../../../daemon/providers/capabilities/modelCapabilities';
import type { ProviderRequest } from '../../../../daemon/providers/types';

const config = configSchema.parse({ provider: 'openai', defaultMaxTokens: 777, maxPromptChars: 200 });
const line = (o: unknown) => JSON.stringify(o);
const ask = (content: string, extra: Record<string, unknown> = {}) =>
  line({ messages: [{ role: 'user', content }], ...extra });

/** The request without the model rules the plan attached (checked on their own). */
function withoutCaps(req: ProviderRequest): Omit<ProviderRequest, 'capabilities'> {
  const { capabilities: _caps, ...rest } = req;
  return rest;
}

function problems(lines: string[], params: Record<string, unknown> = {}): string {
  try {
    parseBatchLines({ lines, ...params }, config, {});
  } catch (err) {
    expect(err).toBeInstanceOf(ConduitError);
    expect((err as ConduitError).data.code).toBe('bad_request');
    return (err as ConduitError).message;
  }
  throw new Error('expected the batch to be refused');
}

describe('parseBatchLines', () => {
  it('turns each line into the provider request a live call would make, with ids by line when none is given', () => {
    const parsed = parseBatchLines(
      {
        lines: [
          ask('one', { custom_id: 'first', max_tokens: 50 }),
          '',
          ask('two', { system: 'terse', temperature: 0.2 }),
        ],
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        feature: 'docs',
      },
      config,
      {},
    );
    expect(parsed.provider).toBe('anthropic');
    expect(parsed.model).toBe('claude-sonnet-4-6');
    expect(parsed.entries.map((e) => [e.customId, e.line, e.feature])).toEqual([
      ['first', 1, 'docs'],
      ['line-3', 3, 'docs'],
    ]);
    expect(parsed.entries[0]!.providerRequest.capabilities).toEqual(capabilitiesOf('anthropic', 'claude-sonnet-4-6'));
    expect(withoutCaps(parsed.entries[0]!.providerRequest)).toEqual({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'one' }],
      maxTokens: 50,
    });
    expect(withoutCaps(parsed.entries[1]!.providerRequest)).toEqual({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'two' }],
      maxTokens: 777,
      system: 'terse',
      temperature: 0.2,
    });
  });

  it('carries tools, tool choice, response schema, effort and stop sequences, fitted to the model as a live call is', () => {
    const tools = [{ name: 'lookup', description: 'Find a symbol.', inputSchema: { type: 'object', properties: {} } }];
    const schema = { type: 'array', items: { type: 'string' } };
    const parsed = parseBatchLines(
      {
        lines: [
          ask('all', {
            tools,
            toolChoice: 'auto',
            responseSchema: { name: 'names', schema },
            reasoningEffort: 'medium',
            stop: ['END', 'STOP'],
          }),
          ask('plain'),
        ],
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
      },
      config,
      {},
    );
    const [all, plain] = parsed.entries;
    expect(withoutCaps(all!.providerRequest)).toEqual({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'all' }],
      maxTokens: 777,
      tools,
      toolChoice: 'auto',
      // Claude takes only an object root: wrapped as planRequest does for a live call.
      responseSchema: {
        name: 'names',
        schema: { type: 'object', properties: { items: schema }, required: ['items'], additionalProperties: false },
      },
      reasoningEffort: 'medium',
      stop: ['END', 'STOP'],
    });
    expect(all!.answer).toEqual({ schemaTool: 'names', wrapKey: 'items' });
    expect(plain!.answer).toBeUndefined();
  });

  it('names a line the model rules refuse (more stop sequences than it takes), before anything is sent', () => {
    const message = problems([ask('fine', { stop: ['a'] }), ask('too many', { stop: ['a', 'b', 'c', 'd', 'e'] })], {
      model: 'gpt-5.4-mini',
    });
    expect(message).toContain('1 line has problems');
    expect(message).toContain('line 2: 5 stop sequences given; gpt-5.4-mini takes at most 4');
    expect(message).not.toMatch(/line 1:/);
  });

  it('takes the configured provider and its model when the batch names neither', () => {
    const parsed = parseBatchLines({ lines: [ask('x')] }, config, {});
    expect(parsed.provider).toBe('openai');
    expect(parsed.model.length).toBeGreaterThan(0);
    expect(parsed.entries[0]!.providerRequest.model).toBe(parsed.model);
  });

  it('names every bad line by its number and keeps the good ones out of the message', () => {
    const message = problems(
      [
        ask('fine'),
        '{not json',
        line([1, 2]),
        line({ messages: [] }),
        ask('dup', { custom_id: 'line-1' }),
        ask('bad id', { custom_id: 'a/b' }),
        ask('x'.repeat(300)),
        ask('elsewhere', { provider: 'gemini' }),
        ask('other model', { model: 'gpt-other' }),
        ask('unknown field', { colour: 'red' }),
      ],
      { model: 'gpt-5.4-mini' },
    );
    expect(message).toContain('9 lines have problems');
    expect(message).not.toMatch(/line 1:/);
    expect(message).toContain('line 2: not valid JSON');
    expect(message).toContain('line 3: expected a JSON object');
    expect(message).toContain('line 4: The request is malformed');
    expect(message).toContain('line 5: custom_id "line-1" is already used on line 1');
    expect(message).toContain('line 6: custom_id must be');
    expect(message).toContain('line 7: The prompt is 300 characters');
    expect(message).toContain('line 8: asks for provider "gemini"');
    expect(message).toContain('line 9: asks for model "gpt-other"');
    expect(message).toContain('line 10: The request is malformed');
  });

  it('refuses a provider without a Batch API and an empty file', () => {
    expect(() => parseBatchLines({ lines: [ask('x')], provider: 'openaiCompatible' as never }, config, {})).toThrow(
      /anthropic, openai, gemini/,
    );
    expect(problems(['', '  '])).toContain('no requests');
  });

  it('refuses malformed params from a client with what is wrong', () => {
    expect(() => parseBatchLines({ lines: [1, 2] } as never, config, {})).toThrow(/lines\.0: .*string/i);
    expect(() => parseBatchLines({ lines: [ask('x')], model: 7 } as never, config, {})).toThrow(/model/);
    expect(() => parseBatchLines({ lines: [ask('x')], extra: true } as never, config, {})).toThrow(/malformed/);
  });
});
