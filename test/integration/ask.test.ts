import { describe, expect, it } from 'vitest';
import type { ChatResult, ProviderId } from '../../protocol';
import type { WireProvider } from '../fakes/fakeProvider';
import { FAKE_KEYS, ONE_PROVIDER, useDaemonAndFake } from './harness';

const cases: { provider: ProviderId; wire: WireProvider; prefix: string }[] = [
  { provider: 'anthropic', wire: 'anthropic', prefix: '' },
  { provider: 'openai', wire: 'openai', prefix: '' },
  { provider: 'gemini', wire: 'gemini', prefix: '' },
  { provider: 'openaiCompatible', wire: 'openai', prefix: '/compat' },
];

describe('conduit ask through the real daemon and SDKs, against the fake provider', () => {
  const env = useDaemonAndFake();

  for (const { provider, wire, prefix } of cases) {
    for (const stream of [true, false]) {
      it(`${provider}, ${stream ? 'streamed' : 'not streamed'}: text and usage in --json equal what the fake sent`, async () => {
        const text = `Answer from ${provider} ${stream ? 'stream' : 'json'}: ${Math.random().toString(36).slice(2)}`;
        const usage = {
          input: 101 + text.length,
          output: 37,
          cacheRead: provider === 'openaiCompatible' ? 0 : 11,
          cacheWrite: provider === 'anthropic' ? 5 : 0,
          reasoning: 0,
        };
        env.fake.enqueue(wire, { text, usage, chunks: 5 });
        const args = [
          'ask',
          '--provider',
          provider,
          '--model',
          `model-${provider}`,
          '--system',
          'Be brief.',
          '--max-tokens',
          '64',
          '--json',
        ];
        if (!stream) args.push('--no-stream');
        const r = await env.h.cli([...args, 'What is 2+2?']);
        expect(r.code, r.stderr).toBe(0);
        const result = JSON.parse(r.stdout) as ChatResult;
        expect(result.text).toBe(text);
        expect(result.provider).toBe(provider);
        expect(result.model).toBe(`model-${provider}`);
        expect(result.attempts).toBe(1);
        expect(result.cache).toBe('none');
        expect(result.stopReason).not.toBeNull();
        if (stream) expect(result.ttftMs).toBeGreaterThan(0);
        else expect(result.ttftMs).toBeNull();
        // Anthropic reports uncached input beside cache reads and writes; OpenAI and Gemini count
        // cached tokens inside the prompt. Canonical input_tokens is the whole prompt for all.
        const wholePrompt = provider === 'anthropic' ? usage.input + usage.cacheRead + usage.cacheWrite : usage.input;
        expect(result.usage.input_tokens).toBe(wholePrompt);
        expect(result.usage.output_tokens).toBe(usage.output);
        expect(result.usage.cache_read_tokens).toBe(usage.cacheRead);
        expect(result.usage.cache_write_tokens).toBe(usage.cacheWrite);

        const seen = env.fake.lastRequest(wire);
        expect(seen?.prefix).toBe(prefix);
        expect(seen?.stream).toBe(stream);
        expect(seen?.model).toBe(`model-${provider}`);
        expect(JSON.stringify(seen?.body)).toContain('Be brief.');
        expect(JSON.stringify(seen?.body)).toContain('What is 2+2?');
        if (provider === 'anthropic') expect(seen?.apiKey).toBe(FAKE_KEYS.ANTHROPIC_API_KEY);
        if (provider === 'openai') expect(seen?.apiKey).toBe(FAKE_KEYS.OPENAI_API_KEY);
        if (provider === 'gemini') expect(seen?.apiKey).toBe(FAKE_KEYS.GEMINI_API_KEY);
      });
    }
  }

  it('streams the answer to stdout as it arrives, in order', async () => {
    env.fake.enqueue('anthropic', { deltas: ['one ', 'two ', 'three ', 'four'], chunkDelayMs: 20 });
    const r = await env.h.cli(['ask', '--provider', 'anthropic', 'count']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('one two three four');
  });

  it('reads the prompt from stdin', async () => {
    env.fake.enqueue('openai', { text: 'from stdin' });
    const r = await env.h.cli(['ask', '--provider', 'openai'], { input: 'a prompt on stdin\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('from stdin');
    expect(JSON.stringify(env.fake.lastRequest('openai')?.body)).toContain('a prompt on stdin');
  });

  it('reports a stream cut short as stream_interrupted, never as a short success', async () => {
    env.fake.enqueue('gemini', {
      deltas: ['partial ', 'answer ', 'never finished'],
      fault: { kind: 'truncate', afterDeltas: 2 },
    });
    const r = await env.h.cli(['ask', '--provider', 'gemini', '--json', 'hello']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stream_interrupted/);
  });

  it('refuses bad usage with exit code 2 and sends nothing', async () => {
    const before = env.fake.requests.length;
    expect((await env.h.cli(['ask', '--provider', 'nope', 'x'])).code).toBe(2);
    expect((await env.h.cli(['ask', '--bogus-flag', 'x'])).code).toBe(2);
    expect((await env.h.cli(['frobnicate'])).code).toBe(2);
    expect(env.fake.requests.length).toBe(before);
  });

  it('refuses an oversized prompt before sending anything', async () => {
    const before = env.fake.requests.length;
    const r = await env.h.cli(['ask', '--provider', 'openai'], { input: 'x'.repeat(1_000_001) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/too_large: The prompt is 1,000,001 characters; the limit is 1,000,000/);
    expect(env.fake.requests.length).toBe(before);
  });

  it('shows status without any key', async () => {
    const r = await env.h.cli(['status', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { providers: { id: string; keySource: string }[]; pid: number };
    expect(s.pid).toBeGreaterThan(0);
    expect(s.providers.find((p) => p.id === 'anthropic')?.keySource).toBe('env');
    for (const key of Object.values(FAKE_KEYS)) expect(r.stdout).not.toContain(key);
  });

  it('never writes a key to the logs', async () => {
    // Stopped and gone first: the logger writes in the background and closes with the daemon.
    await env.h.stopDaemons();
    const logs = env.h.logText();
    expect(logs).toContain('"msg":"request"');
    for (const key of Object.values(FAKE_KEYS)) expect(logs).not.toContain(key);
  });
});

// With other keys set, another provider would answer (resilient by default, defaultChain.test.ts);
// this is what a user with one provider sees when it refuses.
describe('conduit ask with one provider, when it refuses', () => {
  const env = useDaemonAndFake({ env: ONE_PROVIDER });

  it('exits non-zero with the error code on stderr, without the key, when the provider refuses', async () => {
    env.fake.enqueue('openai', {
      status: 401,
      error: { message: `Incorrect API key provided: ${FAKE_KEYS.OPENAI_API_KEY}` },
    });
    const r = await env.h.cli(['ask', '--provider', 'openai', 'hello']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^conduit: auth: OpenAI \(HTTP 401/);
    expect(r.stderr).not.toContain(FAKE_KEYS.OPENAI_API_KEY);
    expect(r.stdout).toBe('');
  });
});
