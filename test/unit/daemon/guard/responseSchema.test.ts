import { describe, expect, it } from 'vitest';
import { ConduitError, emptyUsage, type ChatRequest, type ChatResult } from '../../../../protocol';
import { chatResult } from '../chatResultFixture';
import { guardSettingsSchema } from '../../../../daemon/guard/guardSettings';
import { guardRequest } from '../../../../daemon/guard/inputGuard';
import { runWithOutputGuard, type TextSink } from '../../../../daemon/guard/outputStep';
import { zodForResponseSchema } from '../../../../daemon/guard/responseSchema';
import { personSchema } from '../../../fixtures/tools';

const settings = guardSettingsSchema.parse({});
const opts = { settings, inputRedacted: [], requestId: 'r', log: () => undefined };
const person = { name: 'person', schema: personSchema };
const request: ChatRequest = { messages: [{ role: 'user', content: 'who?' }], responseSchema: person, stream: true };

function result(text: string, extra: Partial<ChatResult> = {}): ChatResult {
  return chatResult(text, {
    usage: { ...emptyUsage(), input_tokens: 10, output_tokens: 5, reasoning_tokens: 2 },
    ...extra,
  });
}

function scripted(answers: ChatResult[]): {
  run: (r: ChatRequest, s: TextSink | undefined) => Promise<ChatResult>;
  seen: ChatRequest[];
} {
  const seen: ChatRequest[] = [];
  return {
    seen,
    run: async (r) => {
      seen.push(r);
      return answers.shift() ?? result('');
    },
  };
}

describe('response schema: checked with zod, repaired once, then refused', () => {
  it('an answer that follows the schema comes back parsed as `structured`, in one call', async () => {
    const s = scripted([result('{"name":"Ada","age":36}')]);
    const r = await runWithOutputGuard(request, undefined, opts, s.run);
    expect(r.structured).toEqual({ name: 'Ada', age: 36 });
    expect(s.seen).toHaveLength(1);
    expect(s.seen[0]?.stream).toBe(true);
  });

  it("an answer of the wrong shape is sent back once with zod's complaint, and reasoning tokens add up", async () => {
    const s = scripted([result('{"name":"Ada","age":-1}'), result('{"name":"Ada","age":36}')]);
    const r = await runWithOutputGuard(request, undefined, opts, s.run);
    expect(r.structured).toEqual({ name: 'Ada', age: 36 });
    expect(r.guard?.repaired).toBe(true);
    expect(r.usage.reasoning_tokens).toBe(4);
    const repair = s.seen[1]?.messages.at(-1)?.content;
    expect(repair).toContain('age');
    expect(repair).toContain('does not match the expected shape');
  });

  it('two wrong answers end in invalid_output naming the schema', async () => {
    const s = scripted([result('{"name":1}'), result('not json')]);
    const err = await runWithOutputGuard(request, undefined, opts, s.run).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConduitError);
    expect((err as ConduitError).data).toMatchObject({ code: 'invalid_output' });
    expect((err as ConduitError).message).toContain('responseSchema "person"');
    expect(s.seen).toHaveLength(2);
  });

  it('an answer that calls a tool is passed through unchecked: the client runs the tool first', async () => {
    const s = scripted([result('', { toolCalls: [{ id: 'c', name: 'lookup', input: {} }] })]);
    const r = await runWithOutputGuard(request, undefined, opts, s.run);
    expect(r.toolCalls).toHaveLength(1);
    expect(s.seen).toHaveLength(1);
  });

  it('a schema with a keyword zod cannot check is refused before sending', () => {
    expect(() => zodForResponseSchema({ name: 'x', schema: { type: 'object', if: {}, then: {} } })).toThrow(
      /cannot be checked: Conditional schemas/,
    );
    expect(() =>
      guardRequest(
        { messages: [{ role: 'user', content: 'q' }], responseSchema: { name: 'x', schema: { type: 'strin' } } },
        { maxPromptChars: 1000 },
      ),
    ).toThrow(ConduitError);
  });
});

describe('output guard: tool calls', () => {
  it("redacts a secret from a tool call's arguments, and says so", async () => {
    const key = 'AKIAIOSFODNN7EXAMPLE';
    const call = { id: 'c', name: 'deploy', input: { env: { AWS_ACCESS_KEY_ID: key }, tags: ['x', `k=${key}`] } };
    const s = scripted([result('', { toolCalls: [call] })]);
    const r = await runWithOutputGuard({ messages: [{ role: 'user', content: 'go' }] }, undefined, opts, s.run);
    expect(JSON.stringify(r.toolCalls)).not.toContain(key);
    expect(r.toolCalls?.[0]?.input).toMatchObject({
      env: { AWS_ACCESS_KEY_ID: expect.stringContaining('REDACTED') },
      tags: ['x', expect.stringContaining('REDACTED')],
    });
    expect(r.guard?.outputRedacted?.[0]?.count).toBe(2);
  });
});

describe('input guard: content parts', () => {
  it('counts and redacts the text of parts and tool results, and leaves images and tool calls alone', () => {
    const secret = 'AKIAIOSFODNN7EXAMPLE';
    const guarded = guardRequest(
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: `key ${secret}` }] },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'read_env', input: { name: 'AWS' } }] },
          { role: 'user', content: [{ type: 'tool_result', toolUseId: 't1', content: `value ${secret}` }] },
        ],
      },
      { maxPromptChars: 1000, guard: guardSettingsSchema.parse({ secretsByFeature: { ask: 'redact' } }) },
    );
    const text = JSON.stringify(guarded.request.messages);
    expect(text).not.toContain(secret);
    expect(guarded.redacted.reduce((n, r) => n + r.count, 0)).toBe(2);
    expect(guarded.request.messages[1]?.content).toEqual([
      { type: 'tool_use', id: 't1', name: 'read_env', input: { name: 'AWS' } },
    ]);
  });

  it('refuses a bad tool name and an unknown part type with the path', () => {
    expect(() =>
      guardRequest(
        { messages: [{ role: 'user', content: 'q' }], tools: [{ name: 'has space', inputSchema: {} }] },
        { maxPromptChars: 1000 },
      ),
    ).toThrow(/tools\.0\.name/);
    expect(() =>
      guardRequest({ messages: [{ role: 'user', content: [{ type: 'audio', data: '' }] }] }, { maxPromptChars: 1000 }),
    ).toThrow(/messages\.0\.content/);
  });
});
