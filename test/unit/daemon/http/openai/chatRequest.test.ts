import { describe, expect, it } from 'vitest';
import { mapChatCompletion } from '../../../../../daemon/http/openai/chatRequest';

describe('mapChatCompletion', () => {
  it('maps system, user, assistant tool calls and tool results onto the canonical request', () => {
    const mapped = mapChatCompletion(
      {
        model: 'claude-sonnet-5-5',
        max_completion_tokens: 200,
        temperature: 0.2,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Use metric.' }] },
          { role: 'user', content: 'weather?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'w', arguments: '{"city":"Oslo"}' } },
              { id: 'c2', type: 'function', function: { name: 'w', arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'c1', content: '-3' },
          { role: 'tool', tool_call_id: 'c2', content: '18' },
        ],
        tools: [{ type: 'function', function: { name: 'w', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'w' } },
      },
      'f',
    );
    expect(mapped).toEqual({
      model: 'claude-sonnet-5-5',
      stream: false,
      includeUsage: false,
      request: {
        provider: 'anthropic',
        model: 'claude-sonnet-5-5',
        feature: 'f',
        system: 'Be brief.\n\nUse metric.',
        max_tokens: 200,
        temperature: 0.2,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
          {
            role: 'assistant',
            content: [
              { type: 'tool_use', id: 'c1', name: 'w', input: { city: 'Oslo' } },
              { type: 'tool_use', id: 'c2', name: 'w', input: { city: 'Rome' } },
            ],
          },
          // The two tool messages are one user turn, as Anthropic requires.
          {
            role: 'user',
            content: [
              { type: 'tool_result', toolUseId: 'c1', content: '-3' },
              { type: 'tool_result', toolUseId: 'c2', content: '18' },
            ],
          },
        ],
        tools: [{ name: 'w', inputSchema: { type: 'object' } }],
        toolChoice: { name: 'w' },
      },
    });
  });

  it('a tier name routes; streaming, include_usage, response_format and reasoning_effort map', () => {
    const mapped = mapChatCompletion(
      {
        model: 'conduit/complex',
        stream: true,
        stream_options: { include_usage: true },
        reasoning_effort: 'minimal',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'hi' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            ],
          },
        ],
        response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' } } },
      },
      'endpoint',
    );
    expect(mapped).toMatchObject({
      stream: true,
      includeUsage: true,
      request: {
        tier: 'complex',
        stream: true,
        reasoningEffort: 'low',
        responseSchema: { name: 'out', schema: { type: 'object' } },
      },
    });
    expect('request' in mapped ? mapped.request.provider : 'refused').toBeUndefined();
    expect('request' in mapped && mapped.request.messages[0]!.content).toEqual([
      { type: 'text', text: 'hi' },
      { type: 'image', mediaType: 'image/png', data: 'AAAA' },
    ]);
    expect(
      mapChatCompletion(
        { model: 'gpt-5.4-mini', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } },
        'e',
      ),
    ).toMatchObject({ request: { responseFormat: 'json', provider: 'openai' } });
  });

  it('refuses what it cannot honour with a 400 or 404 that says what to send instead', () => {
    expect(mapChatCompletion({ model: 'gpt-5.4-mini', messages: [] }, 'e')).toMatchObject({ status: 400 });
    expect(
      mapChatCompletion({ model: 'gpt-5.4-mini', n: 2, messages: [{ role: 'user', content: 'x' }] }, 'e'),
    ).toMatchObject({ status: 400, message: expect.stringContaining('n other than 1') as unknown });
    expect(
      mapChatCompletion(
        {
          model: 'gpt-5.4-mini',
          messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }],
        },
        'e',
      ),
    ).toMatchObject({ status: 400, message: expect.stringContaining('data: URL') as unknown });
    expect(
      mapChatCompletion({ model: 'llama-unknown', messages: [{ role: 'user', content: 'x' }] }, 'e'),
    ).toMatchObject({ status: 404 });
    expect(
      mapChatCompletion(
        {
          model: 'gpt-5.4-mini',
          messages: [{ role: 'assistant', tool_calls: [{ id: 'a', function: { name: 'n', arguments: '[1]' } }] }],
        },
        'e',
      ),
    ).toMatchObject({ status: 400 });
  });
});
