import { describe, expect, it } from 'vitest';
import {
  FRAMING_TOKENS_PER_MESSAGE,
  IMAGE_TOKENS_UPPER_BOUND,
  toCanonicalChat,
  toCanonicalOptions,
  toCanonicalTools,
  tokenUpperBound,
  toolCallsOut,
} from '../../../extension/chatMessages';
import { conduitModels } from '../../../extension/chatModels';

// The shapes VS Code's part classes have across the API boundary (LanguageModelTextPart etc.).
const text = (value: string) => ({ value });
const toolCall = (callId: string, name: string, input: object) => ({ callId, name, input });
const toolResult = (callId: string, content: unknown[]) => ({ callId, content });
const data = (mimeType: string, bytes: Uint8Array) => ({ mimeType, data: bytes });
const USER = 1;
const ASSISTANT = 2;
const SYSTEM = 3;
const msg = (role: number, content: unknown[]) => ({ role, content, name: undefined });

describe('toCanonicalChat', () => {
  it("keeps plain text messages as strings and joins a message's text parts", () => {
    const out = toCanonicalChat([msg(USER, [text('Hello, '), text('world')]), msg(ASSISTANT, [text('Hi.')])] as never);
    expect(out).toEqual({
      messages: [
        { role: 'user', content: 'Hello, world' },
        { role: 'assistant', content: 'Hi.' },
      ],
    });
  });

  it('maps tool calls and tool results to tool_use and tool_result parts', () => {
    const out = toCanonicalChat([
      msg(USER, [text('What is the weather in Oslo?')]),
      msg(ASSISTANT, [text('Let me look.'), toolCall('call_1', 'weather', { city: 'Oslo' })]),
      msg(USER, [
        toolResult('call_1', [text('4 °C, '), data('application/json', new TextEncoder().encode('{"wind":3}'))]),
      ]),
    ] as never);
    expect(out.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Oslo' } },
      ],
    });
    expect(out.messages[2]).toEqual({
      role: 'user',
      content: [{ type: 'tool_result', toolUseId: 'call_1', content: '4 °C, \n{"wind":3}' }],
    });
  });

  it('turns system messages into the system prompt and image data into image parts', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const out = toCanonicalChat([
      msg(SYSTEM, [text('Be brief.')]),
      msg(USER, [text('What is this?'), data('image/png', png)]),
    ] as never);
    expect(out.system).toBe('Be brief.');
    expect(out.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', mediaType: 'image/png', data: Buffer.from(png).toString('base64') },
        ],
      },
    ]);
  });

  it('leaves out parts it has no meaning for, and messages left empty by that', () => {
    const out = toCanonicalChat([
      msg(USER, [data('cache_control', new TextEncoder().encode('ephemeral')), { kind: 'unknown' }]),
      msg(USER, [text('Hi')]),
    ] as never);
    expect(out).toEqual({ messages: [{ role: 'user', content: 'Hi' }] });
  });
});

describe('toCanonicalTools', () => {
  it('maps definitions and the required mode; a tool without a schema gets an empty object schema', () => {
    const out = toCanonicalTools({
      tools: [
        { name: 'now', description: 'The time' },
        { name: 'add', description: '', inputSchema: { type: 'object', properties: { a: { type: 'number' } } } },
      ],
      toolMode: 2,
    });
    expect(out).toEqual({
      tools: [
        { name: 'now', description: 'The time', inputSchema: { type: 'object', properties: {} } },
        { name: 'add', inputSchema: { type: 'object', properties: { a: { type: 'number' } } } },
      ],
      toolChoice: 'required',
    });
    expect(toCanonicalTools({ tools: [{ name: 'now', description: 'x' }], toolMode: 1 }).toolChoice).toBe('auto');
    expect(toCanonicalTools({ tools: [], toolMode: 1 })).toEqual({});
  });
});

describe('toCanonicalOptions', () => {
  it('passes max_tokens and temperature when they are valid numbers, nothing else', () => {
    expect(toCanonicalOptions({ max_tokens: 200, temperature: 0.2, secret: 'x' })).toEqual({
      max_tokens: 200,
      temperature: 0.2,
    });
    expect(toCanonicalOptions({ maxTokens: 50 })).toEqual({ max_tokens: 50 });
    expect(toCanonicalOptions({ max_tokens: -1, temperature: 'hot' })).toEqual({});
    expect(toCanonicalOptions(undefined)).toEqual({});
  });
});

describe('toolCallsOut', () => {
  it("gives VS Code's call id, name and input", () => {
    expect(toolCallsOut([{ id: 'c1', name: 'weather', input: { city: 'Oslo' } }])).toEqual([
      { callId: 'c1', name: 'weather', input: { city: 'Oslo' } },
    ]);
    expect(toolCallsOut(undefined)).toEqual([]);
  });
});

describe('tokenUpperBound', () => {
  it('counts UTF-8 bytes, so text of many bytes a character is never undercounted', () => {
    expect(tokenUpperBound('abcd')).toBe(4);
    expect(tokenUpperBound('日本語')).toBe(9);
    expect(tokenUpperBound('👍🏽')).toBe(8);
  });

  it('adds framing per message and a ceiling per image', () => {
    const m = msg(USER, [text('hi'), data('image/jpeg', new Uint8Array([1, 2, 3]))]);
    expect(tokenUpperBound(m as never)).toBe(2 + FRAMING_TOKENS_PER_MESSAGE + IMAGE_TOKENS_UPPER_BOUND);
  });
});

describe('conduitModels', () => {
  it('offers the three tiers, then each provider with a key at its configured model', () => {
    const models = conduitModels('anthropic', [
      { id: 'anthropic', keySource: 'env', baseURL: 'http://127.0.0.1:1', defaultModel: 'claude-sonnet-5-5' },
      { id: 'openai', keySource: 'none', baseURL: 'http://127.0.0.1:1', defaultModel: 'gpt-5.4-mini' },
      { id: 'openaiCompatible', keySource: 'not-required', baseURL: 'http://127.0.0.1:1', defaultModel: 'llama3' },
    ]);
    expect(models.map((m) => m.id)).toEqual([
      'conduit/simple',
      'conduit/moderate',
      'conduit/complex',
      'anthropic/claude-sonnet-5-5',
      'openaiCompatible/llama3',
    ]);
    expect(models[3]?.target).toEqual({ provider: 'anthropic', model: 'claude-sonnet-5-5' });
    expect(models[0]?.target).toEqual({ tier: 'simple' });
    // A model outside the catalogue still has usable limits.
    expect(models[4]?.maxInputTokens).toBeGreaterThan(0);
  });

  it('offers the tiers alone before the daemon has answered', () => {
    expect(conduitModels('gemini', undefined).map((m) => m.id)).toEqual([
      'conduit/simple',
      'conduit/moderate',
      'conduit/complex',
    ]);
  });
});
