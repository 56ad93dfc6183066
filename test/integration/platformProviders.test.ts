import * as fs from 'node:fs';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { ChatResult, UsageRow } from '../../protocol';
import { costOf } from '../../daemon/usage/pricing';
import { writeGoogleAdc, type GoogleAdcFiles } from '../fakes/googleAdc';
import { parseSigV4 } from '../fakes/bedrockWire';
import { verifySigV4 } from '../fakes/sigv4';
import { ONE_PROVIDER, useDaemonAndFake } from './harness';

const AZURE_KEY = 'azure-FAKE-canary-key-000000000000';
const AWS_SECRET = 'aws-FAKE-canary-secret-0000000000000000';
const AWS_ACCESS_KEY_ID = 'AKIAFAKECANARY000001';

describe('cloud platforms through the real daemon, SDKs and credential chains, against the fake', () => {
  // Each platform's own errors, retries and request counts: one provider, no automatic fallback.
  const env = useDaemonAndFake({
    env: ONE_PROVIDER,
    config: {
      providers: {
        anthropicBedrock: { region: 'ap-southeast-2' },
        anthropicVertex: { project: 'conduit-test', location: 'us-east5' },
        geminiVertex: { project: 'conduit-test', location: 'europe-west4' },
        azureOpenai: { deployments: { 'gpt-5.4-mini': 'team-mini' } },
      },
      // Short retry waits, so the retried 429 below costs no real time.
      resilience: { baseDelayMs: 1, maxDelayMs: 5 },
    },
  });
  let adc: GoogleAdcFiles;

  // Registered after useDaemonAndFake's hooks, so the fake is up; the daemon starts later, on the first command.
  beforeAll(() => {
    adc = writeGoogleAdc(env.fake.googleTokenURL);
    Object.assign(env.h.env, {
      ANTHROPIC_BEDROCK_BASE_URL: env.fake.baseURL('bedrock'),
      AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: AWS_SECRET,
      AWS_EC2_METADATA_DISABLED: 'true',
      ANTHROPIC_VERTEX_BASE_URL: env.fake.baseURL('vertexAnthropic'),
      GOOGLE_VERTEX_BASE_URL: env.fake.baseURL('vertexGemini'),
      GOOGLE_APPLICATION_CREDENTIALS: adc.credentialsFile,
      AZURE_OPENAI_ENDPOINT: env.fake.baseURL('azure'),
      AZURE_OPENAI_API_KEY: AZURE_KEY,
    });
    for (const k of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_BEARER_TOKEN_BEDROCK', 'OPENAI_API_VERSION'])
      delete env.h.env[k];
  });
  afterAll(() => fs.rmSync(adc.dir, { recursive: true, force: true }));

  async function ask(args: string[]): Promise<ChatResult> {
    const r = await env.h.cli(['ask', '--json', '--max-tokens', '16', ...args]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as ChatResult;
  }

  async function ledgerRow(requestId: string): Promise<UsageRow> {
    const rows = JSON.parse((await env.h.cli(['usage', 'export', '--json', '-'])).stdout) as UsageRow[];
    const row = rows.find((r) => r.requestId === requestId);
    if (!row) throw new Error(`no ledger row for ${requestId}`);
    return row;
  }

  it('Bedrock, streamed: SigV4 from the AWS chain, one ledger row priced as Claude Sonnet 5.5', async () => {
    const model = 'global.anthropic.claude-sonnet-5-5';
    env.fake.enqueue('bedrock', { deltas: ['Hello ', 'from ', 'Bedrock'], usage: { input: 1200, output: 300 } });
    const result = await ask(['--provider', 'anthropicBedrock', '--model', model, 'Say hi']);
    expect(result).toMatchObject({ text: 'Hello from Bedrock', provider: 'anthropicBedrock', attempts: 1 });
    const expected = costOf('anthropic', 'claude-sonnet-5-5', result.usage).usd;
    expect(expected).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo(expected ?? 0, 12);

    const rec = env.fake.lastRequest('bedrock');
    expect(rec?.path).toBe(`/model/${model}/invoke-with-response-stream`);
    expect(parseSigV4(rec?.headers ?? {})).toMatchObject({
      accessKeyId: AWS_ACCESS_KEY_ID,
      region: 'ap-southeast-2',
      service: 'bedrock',
    });
    // Signed as it arrived, through the daemon's own connection pool (the connect-timeout fetch).
    expect(rec && verifySigV4(rec, AWS_SECRET)).toEqual({ ok: true });

    const row = await ledgerRow(result.requestId);
    expect(row).toMatchObject({
      provider: 'anthropicBedrock',
      inputTokens: 1200,
      outputTokens: 300,
      errorCode: null,
      stream: true,
    });
    expect(row.costUsd).toBeCloseTo(expected ?? 0, 12);
  });

  it('Bedrock and Vertex AI take the thinking mode of the model they serve (the fake refuses the wrong one)', async () => {
    env.fake.enqueue('bedrock', { text: 'adaptive' });
    await ask([
      '--provider',
      'anthropicBedrock',
      '--model',
      'global.anthropic.claude-sonnet-5-5',
      '--effort',
      'low',
      '--temperature',
      '0.3',
      '--no-stream',
      'q',
    ]);
    expect(env.fake.lastRequest('bedrock')?.body).toMatchObject({
      thinking: { type: 'adaptive' },
      output_config: { effort: 'low' },
    });
    expect((env.fake.lastRequest('bedrock')?.body as Record<string, unknown>).temperature).toBeUndefined();
    env.fake.enqueue('vertexAnthropic', { text: 'budget' });
    await ask([
      '--provider',
      'anthropicVertex',
      '--model',
      'claude-sonnet-4-5@20250929',
      '--effort',
      'low',
      '--no-stream',
      'q',
    ]);
    expect(env.fake.lastRequest('vertexAnthropic')?.body).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 1024 },
    });
    env.fake.enqueue('vertexGemini', { text: 'level' });
    await ask(['--provider', 'geminiVertex', '--model', 'gemini-3.8-flash', '--effort', 'high', '--no-stream', 'q']);
    expect(env.fake.lastRequest('vertexGemini')?.body).toMatchObject({
      generationConfig: { thinkingConfig: { thinkingLevel: 'HIGH' } },
    });
  });

  it("Bedrock: a ThrottlingException is retried after its wait, like any provider's 429", async () => {
    env.fake.enqueue('bedrock', { status: 429, headers: { 'retry-after': '0' } }, { text: 'after the throttle' });
    const result = await ask([
      '--provider',
      'anthropicBedrock',
      '--model',
      'global.anthropic.claude-haiku-5-5',
      '--no-stream',
      'again',
    ]);
    expect(result).toMatchObject({ text: 'after the throttle', attempts: 2 });
    expect(env.fake.requestsFor('bedrock')).toHaveLength(2);
  });

  it("Bedrock: an AccessDeniedException fails at once as permission, not retried, with Bedrock's words", async () => {
    env.fake.enqueue('bedrock', { status: 403 });
    const r = await env.h.cli([
      'ask',
      '--provider',
      'anthropicBedrock',
      '--model',
      'global.anthropic.claude-haiku-5-5',
      'no',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^conduit: permission: Anthropic on Bedrock \(HTTP 403 AccessDeniedException\): You don't have access/,
    );
    expect(env.fake.requestsFor('bedrock')).toHaveLength(1);
    expect(r.stderr).not.toContain(AWS_SECRET);
  });

  it('Claude on Vertex AI: Google ADC in the daemon, :rawPredict in the configured project', async () => {
    env.fake.enqueue('vertexAnthropic', { text: 'Vertex says hi', usage: { input: 50, output: 5 } });
    const result = await ask(['--provider', 'anthropicVertex', '--model', 'claude-haiku-5-5', '--no-stream', 'hi']);
    expect(result).toMatchObject({ text: 'Vertex says hi', provider: 'anthropicVertex' });
    expect(result.costUsd).toBeCloseTo(costOf('anthropic', 'claude-haiku-5-5', result.usage).usd ?? -1, 12);
    const rec = env.fake.lastRequest('vertexAnthropic');
    expect(rec?.path).toBe(
      '/v1/projects/conduit-test/locations/us-east5/publishers/anthropic/models/claude-haiku-5-5:rawPredict',
    );
    expect(env.fake.googleTokens.subjectTokens).toContain(adc.subjectToken);
  });

  it('Gemini on Vertex AI, streamed', async () => {
    env.fake.enqueue('vertexGemini', { deltas: ['Gem', 'ini'], usage: { input: 20, output: 2 } });
    const result = await ask(['--provider', 'geminiVertex', '--model', 'gemini-3.8-flash', 'hi']);
    expect(result).toMatchObject({ text: 'Gemini', provider: 'geminiVertex' });
    expect(result.costUsd).toBeCloseTo(costOf('gemini', 'gemini-3.8-flash', result.usage).usd ?? -1, 12);
    expect(env.fake.lastRequest('vertexGemini')?.path).toBe(
      '/v1/projects/conduit-test/locations/europe-west4/publishers/google/models/gemini-3.8-flash:streamGenerateContent',
    );
  });

  it("Azure OpenAI: the deployment configured for the model, the key from the environment, OpenAI's price", async () => {
    env.fake.enqueue('azure', {
      text: 'Azure says hi',
      model: 'gpt-5.4-mini-2026-03-17',
      usage: { input: 40, output: 4 },
    });
    const result = await ask(['--provider', 'azureOpenai', '--model', 'gpt-5.4-mini', '--no-stream', 'hi']);
    expect(result).toMatchObject({ text: 'Azure says hi', provider: 'azureOpenai' });
    expect(result.costUsd).toBeCloseTo(costOf('openai', 'gpt-5.4-mini', result.usage).usd ?? -1, 12);
    const rec = env.fake.lastRequest('azure');
    expect(rec?.path).toBe('/openai/deployments/team-mini/chat/completions');
    expect(rec?.apiKey).toBe(AZURE_KEY);
    // The request's own line is the last it logs: every line before it is on disk.
    await env.h.waitForLog((l) => l.msg === 'request' && l.requestId === result.requestId);
    expect(env.h.logText()).not.toContain(AZURE_KEY);
  });

  it('`conduit key set anthropicVertex` stores nothing and says to use Google ADC', async () => {
    const r = await env.h.cli(['key', 'set', 'anthropicVertex'], { input: 'not-a-real-thing\n' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Application Default Credentials/);
  });
});
