/**
 * The semantic cache through the real daemon with `cache.semantic.embedder: "local"`: the daemon
 * loads a BERT-shaped model generated at test time through the real @huggingface/transformers
 * code. Its weights are random, so what is checked is mechanics: a near-duplicate that the
 * tokenizer makes identical hits `semantic`, other scopes do not, and stats name the local model.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CacheStatsResult, ChatRequest } from '../../protocol';
import { CacheStatsRequest } from '../../protocol';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { generateTinyBert } from '../fixtures/tinyBert/generateTinyBert';
import { DaemonHarness, waitFor } from './harness';

function ask(content: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { messages: [{ role: 'user', content }], provider: 'openai', temperature: 0, ...extra };
}

async function stats(h: DaemonHarness): Promise<CacheStatsResult> {
  const client = await h.connect(false);
  try {
    return await client.connection.sendRequest(CacheStatsRequest.type, {});
  } finally {
    client.close();
  }
}

describe('semantic cache with the local embedder, through the real daemon', () => {
  let fake: FakeProviderServer;
  let h: DaemonHarness;
  let modelDir: string;

  beforeAll(async () => {
    fake = await FakeProviderServer.start();
    h = new DaemonHarness(fake.url);
    modelDir = path.join(h.home, 'generated', 'tiny-bert');
    generateTinyBert(modelDir);
    fs.writeFileSync(
      path.join(h.home, 'config.json'),
      JSON.stringify({ cache: { semantic: { embedder: 'local', localModelDir: modelDir } } }),
    );
  });
  afterAll(async () => {
    await h.dispose();
    await fake.stop();
  });

  it('loads the local model, hits near-duplicates as semantic, keeps scopes apart', async () => {
    const client = await h.connect();
    await waitFor(
      async () => (await stats(h)).semantic.embedder.startsWith('local:'),
      15_000,
      'the local embedder to load',
    );
    expect((await stats(h)).semantic.embedder).toMatch(/^local:tiny-bert:[0-9a-f]{12}$/);
    // Log lines are appended in short batches, so the line may land just after the stats change.
    await waitFor(
      async () => /semantic cache: local embedder loaded/.test(h.logText()),
      5_000,
      'the embedder-loaded log line',
    );

    fake.enqueue('openai', { text: 'Use sorted(xs) or xs.sort().' });
    const first = await client.chat(ask('How do I sort a list in Python?'));
    expect(first.cache).toBe('none');
    await waitFor(async () => (await stats(h)).semantic.indexed >= 1, 5000, 'the prompt to be embedded');

    // Another case and spacing: a different exact key, the same word pieces for the model.
    const near = await client.chat(ask('how do i SORT a list in python ?'));
    expect(near.cache).toBe('semantic');
    expect(near.text).toBe(first.text);
    expect(near.cacheMatch?.prompt).toBe('How do I sort a list in Python?');
    expect(near.cacheMatch?.similarity).toBeGreaterThan(0.999);

    // The same words in other scopes go upstream.
    const otherSystem = await client.chat(ask('how do i SORT a list in python ?', { system: 'Answer in French.' }));
    expect(otherSystem.cache).toBe('none');
    const otherModel = await client.chat(ask('how do i SORT a list in python ?', { model: 'gpt-5.4' }));
    expect(otherModel.cache).toBe('none');
    client.close();
    expect(fake.requestsFor('openai')).toHaveLength(3);

    const s = await stats(h);
    expect(s.hits.semantic).toBe(1);
    expect(s.semantic.embedder).toMatch(/^local:/);
  });

  it('conduit cache model install --from copies a folder after checking its sha256', async () => {
    const download = path.join(h.home, 'download', 'all-MiniLM-L6-v2');
    const m = generateTinyBert(download, { onnxName: 'model_quantized.onnx' });
    const sha = createHash('sha256').update(fs.readFileSync(m.onnxFile)).digest('hex');
    const refused = await h.cli(['cache', 'model', 'install', '--from', download]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/sha256 mismatch for onnx\/model_quantized\.onnx: expected afdb6f1a/);
    const ok = await h.cli(['cache', 'model', 'install', '--from', download, '--sha256', sha]);
    expect(ok.code, ok.stderr).toBe(0);
    // config.json points the daemon at the generated folder; the install goes there too.
    expect(ok.stdout).toContain(`Installed the model in ${modelDir}`);
    expect(
      createHash('sha256')
        .update(fs.readFileSync(path.join(modelDir, 'onnx', 'model_quantized.onnx')))
        .digest('hex'),
    ).toBe(sha);
  });
});
