import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConduitError, type ChatChunk, type ChatResult, type UsageRow } from '../../protocol';
import { findModel } from '../../daemon/router/models';
import { PNG_1PX } from '../fixtures/images';
import { useDaemonAndFake } from './harness';
import { weatherTool, personSchema } from '../fixtures/tools';

const person = personSchema;
const weather = weatherTool;

describe('tools, structured output, images, reasoning and context windows through the real daemon', () => {
  const env = useDaemonAndFake({
    config: {
      routing: { contextWindow: { fallback: { provider: 'gemini', model: 'gemini-2.5-flash' } } },
      cache: { enabled: false },
    },
  });

  it('ask --schema: a wrong first answer is repaired once, and the parsed value comes back', async () => {
    const file = path.join(env.h.home, 'person.json');
    fs.writeFileSync(file, JSON.stringify(person));
    env.fake.enqueue('openai', { text: '{"name":"Ada"}' }, { text: '{"name":"Ada","age":36}' });
    const r = await env.h.cli([
      'ask',
      '--provider',
      'openai',
      '--model',
      'gpt-5.4-mini',
      '--schema',
      file,
      '--json',
      'Who wrote the first program?',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as ChatResult;
    expect(result.structured).toEqual({ name: 'Ada', age: 36 });
    expect(result.guard?.repaired).toBe(true);
    const [first, second] = env.fake.requests.map(
      (q) => q.body as { response_format: unknown; messages: { role: string; content: unknown }[] },
    );
    expect(first?.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'person', schema: person, strict: true },
    });
    expect(JSON.stringify(second?.messages.at(-1))).toContain('age');
  });

  it('a schema that is never met ends in invalid_output after exactly two calls', async () => {
    env.fake.enqueue('anthropic', { text: 'no JSON here' }, { text: 'still none' });
    const client = await env.h.connect();
    try {
      const err = await client
        .chat({
          provider: 'anthropic',
          model: 'claude-sonnet-4-5',
          messages: [{ role: 'user', content: 'q' }],
          responseSchema: { name: 'person', schema: person },
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConduitError);
      expect((err as ConduitError).code).toBe('invalid_output');
      expect(env.fake.requests).toHaveLength(2);
      // Claude 4.5 takes the schema as its native structured output.
      expect(env.fake.requests[0]?.body).toMatchObject({
        output_config: { format: { type: 'json_schema', schema: person } },
      });
    } finally {
      client.close();
    }
  });

  it('a streamed tool call reaches the client as typed chunks, then whole in the result, and round-trips its result', async () => {
    env.fake.enqueue('anthropic', {
      deltas: ['Checking the weather. '],
      toolCalls: [{ id: 'toolu_42', name: 'get_weather', input: { city: 'Oslo' } }],
    });
    const client = await env.h.connect();
    try {
      const chunks: ChatChunk[] = [];
      const result = await client.chat(
        {
          provider: 'anthropic',
          model: 'claude-sonnet-4-5',
          stream: true,
          tools: [weather],
          messages: [{ role: 'user', content: 'Weather in Oslo?' }],
        },
        { onChunk: (c) => chunks.push(c) },
      );
      expect(result.toolCalls).toEqual([{ id: 'toolu_42', name: 'get_weather', input: { city: 'Oslo' } }]);
      expect(result.stopReason).toBe('tool_use');
      expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
      expect(
        chunks
          .filter((c) => !c.toolCall)
          .map((c) => c.delta)
          .join(''),
      ).toBe('Checking the weather. ');
      const pieces = chunks.filter((c) => c.toolCall);
      expect(pieces[0]?.toolCall).toMatchObject({ id: 'toolu_42', name: 'get_weather' });
      expect(pieces.every((c) => c.delta === '')).toBe(true);
      expect(pieces.map((c) => c.toolCall?.argumentsDelta).join('')).toBe('{"city":"Oslo"}');

      env.fake.enqueue('anthropic', { text: 'It rains in Oslo.' });
      const followUp = await client.chat({
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        tools: [weather],
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'Checking the weather. ' },
              { type: 'tool_use', ...result.toolCalls![0]! },
            ],
          },
          { role: 'user', content: [{ type: 'tool_result', toolUseId: 'toolu_42', content: 'rain, 8°C' }] },
        ],
      });
      expect(followUp.text).toBe('It rains in Oslo.');
      const sent = env.fake.lastRequest('anthropic')?.body as { messages: { content: unknown }[] };
      expect(sent.messages[2]?.content).toEqual([
        { type: 'tool_result', tool_use_id: 'toolu_42', content: 'rain, 8°C' },
      ]);
    } finally {
      client.close();
    }
  });

  it("ask --image sends the picture in Gemini's inlineData; a fake image is refused before sending", async () => {
    const png = path.join(env.h.home, 'shot.png');
    fs.writeFileSync(png, Buffer.from(PNG_1PX, 'base64'));
    env.fake.enqueue('gemini', { text: 'A single pixel.' });
    const r = await env.h.cli([
      'ask',
      '--provider',
      'gemini',
      '--model',
      'gemini-2.5-flash',
      '--image',
      png,
      'What is in this screenshot?',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('A single pixel.');
    const body = env.fake.lastRequest('gemini')?.body as { contents: { parts: unknown[] }[] };
    expect(body.contents[0]?.parts).toEqual([
      { text: 'What is in this screenshot?' },
      { inlineData: { mimeType: 'image/png', data: PNG_1PX } },
    ]);

    const client = await env.h.connect();
    try {
      const err = await client
        .chat({
          provider: 'openai',
          messages: [
            {
              role: 'user',
              content: [{ type: 'image', mediaType: 'image/png', data: Buffer.from('<html>').toString('base64') }],
            },
          ],
        })
        .catch((e: unknown) => e);
      expect((err as ConduitError).code).toBe('bad_request');
      expect((err as ConduitError).message).toContain('not a PNG, JPEG, GIF or WebP');
      expect(env.fake.requests).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('ask --effort: thinking tokens are priced as output and shown in the ledger and `conduit usage`', async () => {
    const usage = { input: 1000, output: 5000, reasoning: 4200 };
    env.fake.enqueue('openai', { text: 'Forty-two.', usage });
    const r = await env.h.cli([
      'ask',
      '--provider',
      'openai',
      '--model',
      'gpt-5.4-mini',
      '--effort',
      'high',
      '--json',
      'Think hard',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as ChatResult;
    expect(env.fake.lastRequest('openai')?.body).toMatchObject({ reasoning_effort: 'high' });
    expect(result.usage).toMatchObject({ output_tokens: 5000, reasoning_tokens: 4200 });
    const prices = findModel('openai', 'gpt-5.4-mini')!.prices;
    expect(result.costUsd).toBeCloseTo((usage.input * prices.input! + usage.output * prices.output!) / 1e6, 10);

    const rows = JSON.parse((await env.h.cli(['usage', 'export', '--json', '-'])).stdout) as UsageRow[];
    const row = rows.find((x) => x.requestId === result.requestId);
    expect(row).toMatchObject({ reasoningTokens: 4200, outputTokens: 5000 });
    expect(row?.costUsd).toBeCloseTo(result.costUsd!, 10);
    const table = await env.h.cli(['usage']);
    expect(table.stdout).toMatch(/Reasoning: 4,200 thinking tokens/);
  });

  it('ask --estimate counts the thinking budget as output the request may spend', async () => {
    const r = await env.h.cli([
      'ask',
      '--estimate',
      '--provider',
      'openai',
      '--model',
      'gpt-5.4-mini',
      '--max-tokens',
      '100',
      '--effort',
      'high',
      'Think',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${(100 + 16_384).toLocaleString('en-US')} max output`);
    expect(env.fake.requests).toHaveLength(0);
  });

  it("a request over the model's context window moves to the larger-context fallback, or is refused before sending", async () => {
    const client = await env.h.connect();
    try {
      env.fake.enqueue('gemini', { text: 'from the big window' });
      // 300k of room for the answer: over claude-sonnet-4-5's 200k window, inside gemini-2.5-flash's 1M.
      const moved = await client.chat({
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        max_tokens: 300_000,
        messages: [{ role: 'user', content: 'long one' }],
      });
      expect(moved).toMatchObject({
        provider: 'gemini',
        model: 'gemini-2.5-flash',
        text: 'from the big window',
        contextFallback: { from: 'anthropic/claude-sonnet-4-5', to: 'gemini/gemini-2.5-flash' },
      });
      expect(env.fake.requests.map((q) => q.provider)).toEqual(['gemini']);

      // 460k Japanese characters: 115k tokens at four characters a token, but up to 1.38M (one a
      // byte) and about 460k in fact: over both windows.
      const err = await client
        .chat({
          provider: 'anthropic',
          model: 'claude-sonnet-4-5',
          messages: [{ role: 'user', content: 'あ'.repeat(460_000) }],
        })
        .catch((e: unknown) => e);
      expect(err, String(err)).toBeInstanceOf(ConduitError);
      expect((err as ConduitError).code).toBe('too_large');
      expect((err as ConduitError).message).toContain("claude-sonnet-4-5's context window of 200,000");
      expect(env.fake.requests).toHaveLength(1);
    } finally {
      client.close();
    }
  });
});

describe('with the cache on (the default)', () => {
  const env = useDaemonAndFake();

  it('a streamed OpenAI tool call passes through coalescing, and an answer that calls a tool is never replayed from the cache', async () => {
    const client = await env.h.connect();
    try {
      const request = {
        provider: 'openai' as const,
        model: 'gpt-5.4-mini',
        temperature: 0,
        stream: true,
        tools: [weather],
        messages: [{ role: 'user' as const, content: 'Weather in Rome?' }],
      };
      for (let i = 0; i < 2; i++) {
        env.fake.enqueue('openai', { toolCalls: [{ id: `call_${i}`, name: 'get_weather', input: { city: 'Rome' } }] });
        const chunks: ChatChunk[] = [];
        const result = await client.chat(request, { onChunk: (c) => chunks.push(c) });
        expect(result.cache).toBe('none');
        expect(result.toolCalls).toEqual([{ id: `call_${i}`, name: 'get_weather', input: { city: 'Rome' } }]);
        expect(chunks.find((c) => c.toolCall?.id)?.toolCall).toMatchObject({
          index: 0,
          id: `call_${i}`,
          name: 'get_weather',
        });
      }
      expect(env.fake.requests).toHaveLength(2);
    } finally {
      client.close();
    }
  });

  it('the same text with another image is a different question: no cache hit', async () => {
    const client = await env.h.connect();
    try {
      const ask = (data: string) =>
        client.chat({
          provider: 'anthropic',
          model: 'claude-sonnet-4-5',
          temperature: 0,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What is this?' },
                { type: 'image', mediaType: 'image/png', data },
              ],
            },
          ],
        });
      env.fake.enqueue('anthropic', { text: 'first' }, { text: 'second' });
      expect((await ask(PNG_1PX)).text).toBe('first');
      expect((await ask(PNG_1PX)).cache).toBe('exact');
      const other = Buffer.concat([Buffer.from(PNG_1PX, 'base64'), Buffer.from([0])]).toString('base64');
      const third = await ask(other);
      expect(third.cache).toBe('none');
      expect(third.text).toBe('second');
    } finally {
      client.close();
    }
  });
});
