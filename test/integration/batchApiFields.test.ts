/**
 * A batch line is the request a live call would send, API fields included: tools, tool choice,
 * response schema, reasoning effort and stop sequences reach each provider's batch body in its
 * own format (read at the fake), and the answers' tool calls, stop sequences and wrapped schema
 * answers come back in `batch results` as a live ChatResult names them. A line the model's
 * rules refuse is named before anything is sent. Real CLI, real daemon, official SDKs, the fake
 * provider's batch endpoints.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BatchItemResult, BatchJob, BatchProviderId } from '../../protocol';
import { useDaemonAndFake, waitFor } from './harness';

const WEATHER = {
  name: 'get_weather',
  description: 'The weather in a city.',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const NUMBERS = { type: 'array', items: { type: 'number' } };
const LINES = [
  {
    custom_id: 'tools',
    messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
    tools: [WEATHER],
    toolChoice: { name: 'get_weather' },
  },
  { custom_id: 'stop', messages: [{ role: 'user', content: 'Count to three.' }], stop: ['STOP-HERE'] },
  {
    custom_id: 'schema',
    messages: [{ role: 'user', content: 'Three numbers.' }],
    responseSchema: { name: 'numbers', schema: NUMBERS },
    reasoningEffort: 'low',
  },
];

/** Each API's own words for the same request (only the parts the lines set). */
const EXPECTED_BODY: Record<BatchProviderId, Record<string, unknown>> = {
  anthropic: {
    tools: {
      tools: [{ name: 'get_weather', input_schema: WEATHER.inputSchema }],
      tool_choice: { type: 'tool', name: 'get_weather' },
    },
    stop: { stop_sequences: ['STOP-HERE'] },
    // Claude takes only an object root: the schema goes wrapped, as for a live call.
    schema: {
      thinking: { type: 'adaptive' },
      output_config: {
        effort: 'low',
        format: {
          type: 'json_schema',
          schema: { type: 'object', properties: { items: NUMBERS }, required: ['items'] },
        },
      },
    },
  },
  openai: {
    tools: {
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: WEATHER.inputSchema } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    },
    stop: { stop: ['STOP-HERE'] },
    schema: {
      reasoning_effort: 'low',
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'numbers',
          schema: { type: 'object', properties: { items: NUMBERS }, required: ['items'] },
        },
      },
    },
  },
  gemini: {
    tools: {
      tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: WEATHER.inputSchema }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
    },
    stop: { generationConfig: { stopSequences: ['STOP-HERE'] } },
    // Gemini takes any root: sent as given.
    schema: {
      generationConfig: {
        responseMimeType: 'application/json',
        responseJsonSchema: NUMBERS,
        thinkingConfig: { thinkingLevel: 'LOW' },
      },
    },
  },
};

describe('batch lines carry the API fields a live call carries', () => {
  const env = useDaemonAndFake({ config: { batch: { pollInitialMs: 40, pollMaxMs: 150 }, cache: { enabled: false } } });

  function writeLines(name: string, lines: readonly unknown[]): string {
    const file = path.join(env.h.home, name);
    fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    return file;
  }

  async function status(id: string): Promise<BatchJob> {
    const r = await env.h.cli(['batch', 'status', id, '--json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as BatchJob;
  }

  async function resultLines(id: string, json: boolean): Promise<Array<Record<string, unknown>>> {
    const r = await env.h.cli(['batch', 'results', id, ...(json ? ['--json'] : [])]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  describe.each(['anthropic', 'openai', 'gemini'] as const)('%s', (provider) => {
    it('tools, tool choice, schema, effort and stop reach the batch body; tool calls and the stop sequence come back', async () => {
      const fake = env.fake.batches;
      fake.answer('tools', { toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] });
      fake.answer('stop', { text: 'one two STOP-HERE three' });
      // The answer to a wrapped schema comes back inside the wrapper, as the real APIs give it.
      fake.answer('schema', { text: provider === 'gemini' ? '[1,2,3]' : '{"items":[1,2,3]}' });
      fake.endAfterPolls = 1;
      const r = await env.h.cli([
        'batch',
        'submit',
        writeLines(`${provider}-fields.jsonl`, LINES),
        '--provider',
        provider,
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const job = JSON.parse(r.stdout) as BatchJob;

      const remote = fake.only(provider);
      for (const request of remote.requests) {
        // Gemini's batch item holds the generateContent request under `request`.
        const body = provider === 'gemini' ? (request.body as { request: unknown }).request : request.body;
        expect(body, `${provider} ${request.customId}`).toMatchObject(EXPECTED_BODY[provider][request.customId]!);
      }

      await waitFor(async () => (await status(job.id)).state === 'ended', 20_000, `batch ${job.id} to end`);
      const items = Object.fromEntries(
        (await resultLines(job.id, true)).map((i) => [i.customId, i as unknown as BatchItemResult]),
      );
      expect(items.tools).toMatchObject({
        state: 'succeeded',
        toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }],
        stopReason: { anthropic: 'tool_use', openai: 'tool_calls', gemini: 'STOP' }[provider],
      });
      expect(items.tools?.toolCalls?.[0]?.id).toMatch(/\S/);
      expect(items.stop).toMatchObject({ state: 'succeeded', text: 'one two ' });
      expect(items.stop).not.toHaveProperty('toolCalls');
      if (provider === 'anthropic') {
        expect(items.stop).toMatchObject({ stopReason: 'stop_sequence', stopSequence: 'STOP-HERE' });
      } else {
        // As live: OpenAI and Gemini end at a stop sequence with an ordinary stop and do not say which.
        expect(items.stop).toMatchObject({ stopReason: provider === 'openai' ? 'stop' : 'STOP' });
        expect(items.stop).not.toHaveProperty('stopSequence');
      }
      expect(items.schema).toMatchObject({ state: 'succeeded', text: '[1,2,3]' });

      // The plain lines name them the same way.
      const plain = Object.fromEntries((await resultLines(job.id, false)).map((i) => [i.custom_id, i]));
      expect(plain.tools).toMatchObject({ toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] });
      if (provider === 'anthropic') expect(plain.stop).toMatchObject({ stopSequence: 'STOP-HERE' });
    });
  });

  it.each([
    ['openai', 5, 4],
    ['gemini', 6, 5],
  ] as const)(
    '%s: more stop sequences than the model takes is a named line problem, and nothing is sent',
    async (provider, given, most) => {
      const stops = Array.from({ length: given }, (_, i) => `S${i}`);
      const r = await env.h.cli([
        'batch',
        'submit',
        writeLines(`${provider}-stops.jsonl`, [
          { messages: [{ role: 'user', content: 'fine' }], stop: ['S0'] },
          { messages: [{ role: 'user', content: 'too many' }], stop: stops },
        ]),
        '--provider',
        provider,
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`line 2: ${given} stop sequences given; \\S+ takes at most ${most}`));
      expect(r.stderr).not.toMatch(/line 1:/);
      expect(env.fake.batches.list(provider)).toHaveLength(0);
    },
  );
});
