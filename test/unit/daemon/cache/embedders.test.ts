import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultCacheSettings } from '../../../../daemon/cache/cacheSettings';
import { chooseEmbedder } from '../../../../daemon/cache/chooseEmbedder';
import { dot, normalize } from '../../../../daemon/cache/embedder';
import { LexicalEmbedder } from '../../../../daemon/cache/lexicalEmbedder';
import { providerEmbedder } from '../../../../daemon/cache/providerEmbedder';
import { fakeEmbedding } from '../../../fakes/embeddingRoutes';
import { useFakeProvider } from '../../../fakes/useFakeProvider';

type Logged = { level: string; msg: string }[];
function logger(into: Logged) {
  return (level: 'info' | 'warn', msg: string) => {
    into.push({ level, msg });
  };
}

describe('embedders', () => {
  it('lexical: unit vectors; rewordings close, different questions far', async () => {
    const [a, b, c] = await new LexicalEmbedder().embed([
      'How do I sort a list in Python?',
      'how can I sort a list in python',
      'What is the capital of Spain?',
    ]);
    expect(dot(a!, a!)).toBeCloseTo(1, 5);
    expect(dot(a!, b!)).toBeGreaterThan(0.99);
    expect(dot(a!, c!)).toBeLessThan(0.3);
  });

  describe('local falls back to lexical, saying why', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-emb-'));
    afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

    it('when the model folder is missing (default: CONDUIT_HOME/models/all-MiniLM-L6-v2)', async () => {
      const logged: Logged = [];
      const e = await chooseEmbedder(
        { ...defaultCacheSettings().semantic, embedder: 'local' },
        { home, log: logger(logged) },
      );
      expect(e.id).toMatch(/^lexical/);
      expect(logged).toHaveLength(1);
      expect(logged[0]!.level).toBe('warn');
      expect(logged[0]!.msg).toContain(
        `local embedding model is missing: no ${path.join(home, 'models', 'all-MiniLM-L6-v2', 'config.json')}`,
      );
      expect(logged[0]!.msg).toMatch(/conduit cache model install --from/);
    });

    it('when the folder has no ONNX file', async () => {
      const modelDir = path.join(home, 'no-onnx');
      fs.mkdirSync(modelDir, { recursive: true });
      for (const f of ['config.json', 'tokenizer.json']) fs.writeFileSync(path.join(modelDir, f), '{}');
      const logged: Logged = [];
      const e = await chooseEmbedder(
        { ...defaultCacheSettings().semantic, embedder: 'local', localModelDir: modelDir },
        { home, log: logger(logged) },
      );
      expect(e.id).toMatch(/^lexical/);
      expect(logged[0]!.msg).toMatch(/no .*onnx\/model_quantized\.onnx \(or model\.onnx\)/);
    });

    it('when @huggingface/transformers is not installed', async () => {
      const modelDir = path.join(home, 'with-onnx');
      fs.mkdirSync(path.join(modelDir, 'onnx'), { recursive: true });
      for (const f of ['config.json', 'tokenizer.json', 'onnx/model_quantized.onnx'])
        fs.writeFileSync(path.join(modelDir, f), '{}');
      const logged: Logged = [];
      // The package is a dependency now, so act out its absence with the error Node gives.
      const missing = async (name: string) => {
        throw Object.assign(new Error(`Cannot find package '${name}' imported from ${home}`), {
          code: 'ERR_MODULE_NOT_FOUND',
        });
      };
      const e = await chooseEmbedder(
        { ...defaultCacheSettings().semantic, embedder: 'local', localModelDir: modelDir },
        { home, log: logger(logged), importModule: missing },
      );
      expect(e.id).toMatch(/^lexical/);
      expect(logged[0]!.msg).toMatch(/@huggingface\/transformers is not installed.*ONNXRUNTIME_NODE_INSTALL=skip/);
    });

    it('when the model files are not a model (the real package refuses them)', async () => {
      const logged: Logged = [];
      const e = await chooseEmbedder(
        { ...defaultCacheSettings().semantic, embedder: 'local', localModelDir: path.join(home, 'with-onnx') },
        { home, log: logger(logged) },
      );
      expect(e.id).toMatch(/^lexical/);
      expect(logged[0]!.level).toBe('warn');
      expect(logged[0]!.msg).toMatch(/the local embedder is unavailable, using lexical instead/);
    });
  });

  describe('provider embeddings through the official SDKs', () => {
    const ctx = useFakeProvider();
    const expected = (text: string) => normalize(Float32Array.from(fakeEmbedding(text)));

    it('OpenAI: embeddings.create, normalized, in input order', async () => {
      const e = providerEmbedder({ provider: 'openai', apiKey: 'sk-test-FAKE', baseURL: ctx.fake.baseURL('openai') });
      const [a, b] = await e.embed(['one', 'two']);
      expect(e.id).toBe('provider:openai:text-embedding-3-small');
      expect(dot(a!, a!)).toBeCloseTo(1, 5);
      expect(dot(a!, expected('one'))).toBeCloseTo(1, 5);
      expect(dot(b!, expected('two'))).toBeCloseTo(1, 5);
      expect(ctx.fake.embeddings.calls).toEqual([
        expect.objectContaining({ provider: 'openai', model: 'text-embedding-3-small', inputs: ['one', 'two'] }),
      ]);
    });

    it('Gemini: models.embedContent, normalized, one batchEmbedContents call', async () => {
      const e = providerEmbedder({ provider: 'gemini', apiKey: 'AIzaFAKE', baseURL: ctx.fake.baseURL('gemini') });
      const [a, b] = await e.embed(['one', 'two']);
      expect(e.id).toBe('provider:gemini:gemini-embedding-001');
      expect(dot(a!, expected('one'))).toBeCloseTo(1, 5);
      expect(dot(b!, expected('two'))).toBeCloseTo(1, 5);
      // @google/genai sends several contents to :batchEmbedContents on the Gemini API (the fake serves only that path).
      expect(ctx.fake.embeddings.calls).toEqual([
        expect.objectContaining({ provider: 'gemini', model: 'gemini-embedding-001', inputs: ['one', 'two'] }),
      ]);
    });

    it('chooseEmbedder: provider without a key falls back to lexical', async () => {
      const logged: Logged = [];
      const e = await chooseEmbedder(
        { ...defaultCacheSettings().semantic, embedder: 'provider' },
        {
          home: os.tmpdir(),
          log: logger(logged),
          providerAccess: () => ({ baseURL: ctx.fake.baseURL('openai'), apiKey: undefined }),
        },
      );
      expect(e.id).toMatch(/^lexical/);
      expect(logged[0]!.msg).toMatch(/no API key for openai embeddings/);
    });
  });
});
