import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { useDaemonAndFake } from './harness';
import { endpointToken, freePort, ledgerRows, rawRequest, writeConfig } from './localEndpointHelpers';

/**
 * The official SDKs pointed at the local endpoint of a real daemon, whose providers are the fake
 * server: every answer here went SDK → endpoint → gateway → provider SDK → fake and back.
 */
describe('local endpoint: the official SDKs through the daemon', () => {
  const env = useDaemonAndFake({ resetEachTest: true });
  let port = 0;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    port = await freePort();
    writeConfig(env.h, {
      server: { enabled: true, port },
      rateLimit: { enabled: false },
      cache: { semantic: { enabled: false } },
    });
    // The first connection starts the daemon, which opens the endpoint before it answers.
    (await env.h.connect()).close();
    const token = endpointToken(env.h);
    openai = new OpenAI({
      apiKey: token,
      baseURL: `http://127.0.0.1:${port}/v1`,
      maxRetries: 0,
      defaultHeaders: { 'x-conduit-feature': 'sdk-test' },
    });
    anthropic = new Anthropic({ apiKey: token, baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 });
  });

  it('openai: a non-streamed completion to a Claude model comes from the Anthropic fake', async () => {
    env.fake.enqueue('anthropic', { text: 'Bonjour from Claude.', usage: { input: 12, output: 5 } });
    const { data, response } = await openai.chat.completions
      .create({
        model: 'claude-haiku-5-5',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'say hi in French' },
        ],
        max_tokens: 50,
      })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]!.message.content).toBe('Bonjour from Claude.');
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
    expect(response.headers.get('x-conduit-provider')).toBe('anthropic');
    const upstream = env.fake.lastRequest('anthropic')!;
    expect(upstream.body).toMatchObject({
      model: 'claude-haiku-5-5',
      system: expect.stringContaining('Be brief.') as unknown,
      max_tokens: 50,
    });
    // The provider saw Conduit's key, never the endpoint token.
    expect(upstream.apiKey).not.toBe(endpointToken(env.h));
  });

  it('openai: a streamed completion with include_usage ends with a usage chunk and [DONE]', async () => {
    env.fake.enqueue('openai', { deltas: ['One, ', 'two, ', 'three.'], usage: { input: 9, output: 3 } });
    const stream = await openai.chat.completions.create({
      model: 'gpt-5.4-mini',
      messages: [{ role: 'user', content: 'count to three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const pieces: string[] = [];
    const finishes: (string | null)[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
      if (chunk.choices[0]) finishes.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(pieces.join('')).toBe('One, two, three.');
    expect(finishes[finishes.length - 1]).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 3 });
    expect(env.fake.lastRequest('openai')!.stream).toBe(true);
  });

  it('openai: tools and tool results round-trip; response_format json_schema is checked', async () => {
    env.fake.enqueue('openai', { toolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }] });
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather now',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const first = await openai.chat.completions.create({
      model: 'gpt-5.4-mini',
      messages: [{ role: 'user', content: 'weather in Oslo?' }],
      tools,
    });
    const call = first.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.function).toEqual({ name: 'get_weather', arguments: JSON.stringify({ city: 'Oslo' }) });
    env.fake.enqueue('openai', { text: '{"summary":"cold"}' });
    const second = await openai.chat.completions.create({
      model: 'gpt-5.4-mini',
      messages: [
        { role: 'user', content: 'weather in Oslo?' },
        first.choices[0]!.message,
        { role: 'tool', tool_call_id: call.id, content: '-3 C' },
      ],
      tools,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'weather',
          schema: { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] },
        },
      },
    });
    expect(JSON.parse(second.choices[0]!.message.content!)).toEqual({ summary: 'cold' });
    const sent = env.fake.lastRequest('openai')!.body as {
      messages: Array<{ role: string; tool_call_id?: string }>;
      response_format?: { type: string };
    };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(sent.messages[2]!.tool_call_id).toBe(call.id);
    expect(sent.response_format?.type).toBe('json_schema');
  });

  it('anthropic: a non-streamed message to a GPT model comes from the OpenAI fake', async () => {
    env.fake.enqueue('openai', { text: 'Hello from GPT.', usage: { input: 7, output: 4 } });
    const msg = await anthropic.messages.create({
      model: 'gpt-5.4-mini',
      max_tokens: 64,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(msg).toMatchObject({
      type: 'message',
      role: 'assistant',
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'Hello from GPT.' }],
      usage: { input_tokens: 7, output_tokens: 4 },
    });
    expect(env.fake.lastRequest('openai')!.body).toMatchObject({ model: 'gpt-5.4-mini' });
  });

  it('anthropic: a stream has the real event sequence, and tool_use blocks stream as input_json_delta', async () => {
    env.fake.enqueue('anthropic', {
      deltas: ['Let me ', 'check.'],
      toolCalls: [{ name: 'get_weather', input: { city: 'Oslo' } }],
      usage: { input: 20, output: 9 },
    });
    const stream = anthropic.messages.stream({
      model: 'claude-haiku-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'weather in Oslo?' }],
      tools: [
        {
          name: 'get_weather',
          description: 'Weather now',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
    });
    const events: string[] = [];
    stream.on('streamEvent', (e) => {
      if (events[events.length - 1] !== e.type || e.type !== 'content_block_delta') events.push(e.type);
    });
    const final = await stream.finalMessage();
    // The SDK drops ping events; the raw stream below shows where it goes.
    expect(events).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(final.content).toEqual([
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: expect.any(String) as unknown, name: 'get_weather', input: { city: 'Oslo' } },
    ]);
    expect(final.stop_reason).toBe('tool_use');
    expect(final.usage).toMatchObject({ output_tokens: 9 });

    env.fake.enqueue('anthropic', { deltas: ['a', 'b'] });
    const raw = await rawRequest(port, {
      path: '/v1/messages',
      headers: {
        'x-api-key': endpointToken(env.h),
        'anthropic-version': '2023-06-01',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'claude-haiku-5-5',
        max_tokens: 10,
        stream: true,
        messages: [{ role: 'user', content: 'raw stream' }],
      }),
    });
    expect(raw.headers['content-type']).toMatch(/^text\/event-stream/);
    const names = [...raw.text.matchAll(/^event: (\S+)$/gm)]
      .map((m) => m[1])
      .filter((n, i, all) => n !== 'content_block_delta' || all[i - 1] !== n);
    expect(names).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('anthropic: count_tokens and models answer without calling a provider', async () => {
    const count = await anthropic.messages.countTokens({
      model: 'claude-sonnet-5-5',
      messages: [{ role: 'user', content: 'how many tokens is this sentence?' }],
    });
    expect(count.input_tokens).toBeGreaterThan(0);
    const listed = await openai.models.list();
    const ids = listed.data.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'conduit/simple',
        'conduit/complex',
        'claude-haiku-5-5',
        'gpt-5.4-mini',
        'text-embedding-3-small',
      ]),
    );
    expect((await openai.models.retrieve('gemini-embedding-001')).owned_by).toBe('gemini');
    const anthropicList = await anthropic.models.list();
    expect(anthropicList.data.map((m) => m.id)).toContain('conduit/moderate');
    expect(anthropicList.data.map((m) => m.id)).not.toContain('text-embedding-3-small');
    expect(env.fake.requests).toHaveLength(0);
  });

  it('a Conduit tier as the model is routed; a repeated request is a cache hit that reaches no provider', async () => {
    const ask = () =>
      openai.chat.completions
        .create({
          model: 'conduit/simple',
          messages: [{ role: 'user', content: 'the cached question' }],
          temperature: 0,
        })
        .withResponse();
    const first = await ask();
    expect(first.response.headers.get('x-conduit-cache')).toBe('none');
    const upstream = env.fake.requests.length;
    expect(upstream).toBe(1);
    const second = await ask();
    expect(second.response.headers.get('x-conduit-cache')).toBe('exact');
    expect(second.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
    expect(env.fake.requests).toHaveLength(upstream);
  });

  it('anthropic: a repeated request is a cache hit, answered again as a stream with the full event sequence', async () => {
    env.fake.enqueue('anthropic', { text: 'Cached for Claude.', usage: { input: 6, output: 4 } });
    const body = {
      model: 'claude-haiku-5-5',
      max_tokens: 40,
      temperature: 0,
      messages: [{ role: 'user' as const, content: 'the anthropic cached question' }],
    };
    const first = await anthropic.messages.create(body).withResponse();
    expect(first.response.headers.get('x-conduit-cache')).toBe('none');
    const again = await anthropic.messages.create(body).withResponse();
    expect(again.response.headers.get('x-conduit-cache')).toBe('exact');
    expect(again.data.content).toEqual([{ type: 'text', text: 'Cached for Claude.' }]);
    const stream = anthropic.messages.stream(body);
    const events: string[] = [];
    stream.on('streamEvent', (e) => {
      if (events[events.length - 1] !== e.type || e.type !== 'content_block_delta') events.push(e.type);
    });
    const streamed = await stream.finalMessage();
    expect(streamed.content).toEqual([{ type: 'text', text: 'Cached for Claude.' }]);
    expect(events).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(env.fake.requestsFor('anthropic')).toHaveLength(1);
  });

  it('openai: embeddings come from the provider with the daemon key, in the OpenAI shape', async () => {
    const r = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] });
    expect(r.data.map((d) => d.index)).toEqual([0, 1]);
    expect(r.data[0]!.embedding.length).toBeGreaterThan(0);
    expect(env.fake.embeddings.calls).toMatchObject([
      { provider: 'openai', model: 'text-embedding-3-small', inputs: ['alpha', 'beta'] },
    ]);
  });

  it('a stream cut by the provider after text has gone out ends with an in-band error the SDK raises', async () => {
    // Reset after the first delta: the text is committed, so no retry, and the error travels in the stream.
    env.fake.enqueue('anthropic', { deltas: ['partial ', 'answer'], fault: { kind: 'reset', afterDeltas: 1 } });
    const stream = anthropic.messages.stream({
      model: 'claude-haiku-5-5',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'cut me off' }],
    });
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(texts.join('')).toBe('partial ');
    expect(env.fake.requestsFor('anthropic')).toHaveLength(1);
  });

  it('the ledger has a row per request with the client named and the feature from x-conduit-feature', async () => {
    env.fake.enqueue('anthropic', { text: 'named' });
    const named = new OpenAI({
      apiKey: endpointToken(env.h),
      baseURL: `http://127.0.0.1:${port}/v1`,
      maxRetries: 0,
      defaultHeaders: { 'x-conduit-client': 'aider' },
    });
    await named.chat.completions.create({
      model: 'claude-haiku-5-5',
      messages: [{ role: 'user', content: 'who am I' }],
    });
    const rows = await ledgerRows(env.h);
    const byClient = (re: RegExp) => rows.filter((r) => re.test(r.clientName ?? ''));
    expect(byClient(/^OpenAI\/JS/).length).toBeGreaterThanOrEqual(4);
    expect(byClient(/^Anthropic\/JS/).length).toBeGreaterThanOrEqual(2);
    expect(byClient(/^aider$/)).toHaveLength(1);
    expect(byClient(/^aider$/)[0]).toMatchObject({
      feature: 'endpoint',
      provider: 'anthropic',
      model: 'claude-haiku-5-5',
      errorCode: null,
    });
    expect(byClient(/^OpenAI\/JS/).every((r) => r.feature === 'sdk-test')).toBe(true);
    expect(rows.some((r) => r.cache === 'exact' && /^OpenAI\/JS/.test(r.clientName ?? ''))).toBe(true);
  });
});
