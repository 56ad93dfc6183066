import { describe, expect, it } from 'vitest';
import { chatCompletionSchema, mapChatCompletion } from '../../../../../daemon/http/openai/chatRequest';
import { plainChat } from '../../../../../daemon/http/openai/plainChat';

const user = [{ role: 'user', content: 'hi' }];

/** Bodies the fast path takes: the schema must accept each one too. */
const plain: unknown[] = [
  { model: 'gpt-5.4-mini', messages: user },
  { model: 'm', messages: [{ role: 'system', content: 's' }, ...user, { role: 'assistant', content: 'a' }] },
  { model: 'm', messages: user, max_tokens: 5, temperature: 0, stream: true, stream_options: { include_usage: true } },
  { model: 'm', messages: user, max_completion_tokens: 5, max_tokens: null, temperature: null, stream: null },
  { model: 'm', messages: user, top_p: 1, seed: 3, user: 'u', stop: ['x'], tools: null, n: null },
  { model: 'm', messages: user, stop: '\n' },
  { model: 'm', messages: user, stop: null },
];

/** Bodies the fast path leaves to the schema: a field it does not check, or a value the schema refuses. */
const schemaOnly: unknown[] = [
  null,
  [],
  { messages: user },
  { model: '', messages: user },
  { model: 'm', messages: [] },
  { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
  { model: 'm', messages: [{ role: 'tool', tool_call_id: 't', content: 'x' }] },
  { model: 'm', messages: [{ role: 'assistant', content: 'a', tool_calls: [] }] },
  { model: 'm', messages: [{ role: 'robot', content: 'x' }] },
  { model: 'm', messages: user, max_tokens: 0 },
  { model: 'm', messages: user, max_tokens: 1.5 },
  { model: 'm', messages: user, temperature: '0' },
  { model: 'm', messages: user, stream: 'yes' },
  { model: 'm', messages: user, stream_options: { include_usage: null } },
  { model: 'm', messages: user, tools: [] },
  { model: 'm', messages: user, n: 1 },
  { model: 'm', messages: user, response_format: { type: 'text' } },
  { model: 'm', messages: user, reasoning_effort: 'low' },
  { model: 'm', messages: user, stop: 3 },
  { model: 'm', messages: user, stop: ['x', 1] },
];

describe('plainChat: the hand-checked fast path for plain chat bodies', () => {
  it.each(plain)('takes %j, which the schema accepts, and maps it as the schema would', (body) => {
    expect(plainChat(body)).toBeDefined();
    const parsed = chatCompletionSchema().safeParse(body);
    expect(parsed.success).toBe(true);
    // The mapping reads only the schema's fields, so the body and the schema's copy map alike.
    expect(mapChatCompletion(body, 'f')).toEqual(mapChatCompletion(parsed.data, 'f'));
  });

  it.each(schemaOnly)('leaves %j to the schema', (body) => {
    expect(plainChat(body)).toBeUndefined();
  });

  it('a body with its own "status" field is still a request, not a failure', () => {
    const mapped = mapChatCompletion({ model: 'gpt-5.4-mini', messages: user, status: 400 }, 'f');
    expect('request' in mapped).toBe(true);
  });
});
