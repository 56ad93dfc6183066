import { describe, expect, it } from 'vitest';
import { mapCountTokens, mapMessages } from '../../../../../daemon/http/anthropic/messagesRequest';

describe('mapMessages', () => {
  it('maps blocks, system blocks, tools, tool_choice and thinking; drops thinking blocks', () => {
    const mapped = mapMessages(
      {
        model: 'gpt-5.4-mini',
        max_tokens: 300,
        system: [
          { type: 'text', text: 'A' },
          { type: 'text', text: 'B' },
        ],
        thinking: { type: 'enabled', budget_tokens: 8000 },
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'QUJD' } },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'hmm', signature: 's' },
              { type: 'tool_use', id: 't1', name: 'get', input: { q: 1 } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'done' }], is_error: true },
            ],
          },
        ],
        tools: [{ name: 'get', input_schema: { type: 'object' } }],
        tool_choice: { type: 'any' },
        stream: true,
      },
      'feat',
    );
    expect(mapped).toEqual({
      model: 'gpt-5.4-mini',
      stream: true,
      request: {
        provider: 'openai',
        model: 'gpt-5.4-mini',
        feature: 'feat',
        system: 'A\n\nB',
        max_tokens: 300,
        stream: true,
        reasoningEffort: 'medium',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image', mediaType: 'image/jpeg', data: 'QUJD' },
            ],
          },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'get', input: { q: 1 } }] },
          { role: 'user', content: [{ type: 'tool_result', toolUseId: 't1', content: 'done', isError: true }] },
        ],
        tools: [{ name: 'get', inputSchema: { type: 'object' } }],
        toolChoice: 'required',
      },
    });
  });

  it('requires max_tokens, refuses URL images and unknown blocks, and counts tokens without max_tokens', () => {
    expect(mapMessages({ model: 'claude-haiku-5-5', messages: [{ role: 'user', content: 'x' }] }, 'e')).toMatchObject({
      status: 400,
      message: expect.stringContaining('max_tokens') as unknown,
    });
    expect(
      mapMessages(
        {
          model: 'claude-haiku-5-5',
          max_tokens: 5,
          messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x' } }] }],
        },
        'e',
      ),
    ).toMatchObject({ status: 400 });
    expect(
      mapMessages(
        {
          model: 'claude-haiku-5-5',
          max_tokens: 5,
          messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }],
        },
        'e',
      ),
    ).toMatchObject({ status: 400, message: expect.stringContaining('"document"') as unknown });
    expect(mapCountTokens({ model: 'conduit/simple', messages: [{ role: 'user', content: 'x' }] })).toMatchObject({
      tier: 'simple',
      feature: 'count_tokens',
    });
  });
});
