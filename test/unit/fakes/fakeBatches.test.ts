import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../../fakes/useFakeProvider';

describe("the fake provider's batch endpoints", () => {
  const holder = useFakeProvider();
  const client = () =>
    new Anthropic({ apiKey: 'sk-ant-test-fake-batches', baseURL: holder.fake.baseURL('anthropic'), maxRetries: 0 });
  const create = () =>
    client().messages.batches.create({
      requests: [
        {
          custom_id: 'a',
          params: { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
        },
      ],
    });

  it('ends a batch on its own once it is older than endAfterMs, and serves its results', async () => {
    holder.fake.batches.endAfterMs = 60 * 60_000;
    const batch = await create();
    expect((await client().messages.batches.retrieve(batch.id)).processing_status).toBe('in_progress');
    // Any age is past a limit of 0, so the next look finds it ended, with no test waiting on a clock.
    holder.fake.batches.endAfterMs = 0;
    const ended = await client().messages.batches.retrieve(batch.id);
    expect(ended).toMatchObject({ processing_status: 'ended', request_counts: { succeeded: 1, processing: 0 } });
    const lines = [];
    for await (const line of await client().messages.batches.results(batch.id)) lines.push(line);
    expect(lines).toMatchObject([
      {
        custom_id: 'a',
        result: { type: 'succeeded', message: { content: [{ type: 'text', text: 'Answer to: hi' }] } },
      },
    ]);
  });

  it('answers each request as its live endpoint would: scripted tool calls, stop sequences applied, documented 400s', async () => {
    const params = (extra: Record<string, unknown>) => ({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      messages: [{ role: 'user' as const, content: 'hi' }],
      ...extra,
    });
    holder.fake.batches.answer('tools', { toolCalls: [{ name: 'lookup', input: { q: 'x' } }] });
    holder.fake.batches.answer('stop', { text: 'one END two' });
    const batch = await client().messages.batches.create({
      requests: [
        { custom_id: 'tools', params: params({}) },
        { custom_id: 'stop', params: params({ stop_sequences: ['END'] }) },
        // Thinking with a forced tool: the Messages API refuses it.
        {
          custom_id: 'refused',
          params: params({
            thinking: { type: 'enabled', budget_tokens: 1024 },
            max_tokens: 2000,
            tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
            tool_choice: { type: 'any' },
          }),
        },
      ],
    });
    holder.fake.batches.end(batch.id);
    const byId = new Map<string, unknown>();
    for await (const line of await client().messages.batches.results(batch.id)) byId.set(line.custom_id, line.result);
    expect(byId.get('tools')).toMatchObject({
      type: 'succeeded',
      message: { content: [{ type: 'tool_use', name: 'lookup', input: { q: 'x' } }], stop_reason: 'tool_use' },
    });
    expect(byId.get('stop')).toMatchObject({
      type: 'succeeded',
      message: { content: [{ type: 'text', text: 'one ' }], stop_reason: 'stop_sequence', stop_sequence: 'END' },
    });
    expect(byId.get('refused')).toMatchObject({
      type: 'errored',
      error: {
        error: { type: 'invalid_request_error', message: expect.stringContaining('tool_choice forces tool use') },
      },
    });
  });

  it('stays in progress until told, without a rule', async () => {
    const batch = await create();
    for (let i = 0; i < 3; i++)
      expect((await client().messages.batches.retrieve(batch.id)).processing_status).toBe('in_progress');
    holder.fake.batches.end(batch.id);
    expect((await client().messages.batches.retrieve(batch.id)).processing_status).toBe('ended');
  });

  it('answers a revoked key with 401', async () => {
    holder.fake.rejectKey('sk-ant-test-fake-batches-revoked');
    const revoked = new Anthropic({
      apiKey: 'sk-ant-test-fake-batches-revoked',
      baseURL: holder.fake.baseURL('anthropic'),
      maxRetries: 0,
    });
    await expect(revoked.messages.batches.list()).rejects.toMatchObject({ status: 401 });
  });
});
