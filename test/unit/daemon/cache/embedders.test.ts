import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheSettings } from '../../../../daemon/cache/cacheSettings';
import { chooseEmbedder } from '../../../../daemon/cache/chooseEmbedder';
import { dot } from '../../../../daemon/cache/embedder';
import { LexicalEmbedder } from '../../../../daemon/cache/lexicalEmbedder';
import { providerEmbedder } from '../../../../daemon/cache/providerEmbedder';

type Logged = { level: string; msg: string }[];
function logger(into: Logged) {
  return (level: 'info' | 'warn', msg: string) => { into.push({ level, msg }); };
}

describe('embedders', () => {
  it('lexical: unit vectors; rewordings close, different questions far', async () => {
    const [a, b, c] = await new LexicalEmbedder().embed(['How do I sort a list in Python?', 'how can I sort a list in python', 'What is the capital of Spain?']);
    expect(dot(a!, a!)).toBeCloseTo(1, 5);
    expect(dot(a!, b!)).toBeGreaterThan(0.99);
    expect(dot(a!, c!)).toBeLessThan(0.3);
  });

  describe('local falls back to lexical, saying why', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-emb-'));
    afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

    it('when the model folder is missing (default: CONDUIT_HOME/models/all-MiniLM-L6-v2)', async () => {
      const logged: Logged = [];
      const e = await chooseEmbedder({ ...defaultCacheSettings().semantic, embedder: 'local' }, { home, log: logger(logged) });
      expect(e.id).toMatch(/^lexical/);
      expect(logged).toHaveLength(1);
      expect(logged[0]!.level).toBe('warn');
      expect(logged[0]!.msg).toContain(`local embedding model is missing: no ${path.join(home, 'models', 'all-MiniLM-L6-v2', 'config.json')}`);
      expect(logged[0]!.msg).toMatch(/conduit cache model install --from/);
    });

    it('when the folder has no ONNX file', async () => {
      const modelDir = path.join(home, 'no-onnx');
      fs.mkdirSync(modelDir, { recursive: true });
      for (const f of ['config.json', 'tokenizer.json']) fs.writeFileSync(path.join(modelDir, f), '{}');
      const logged: Logged = [];
      const e = await chooseEmbedder({ ...defaultCacheSettings().semantic, embedder: 'local', localModelDir: modelDir }, { home, log: logger(logged) });
      expect(e.id).toMatch(/^lexical/);
      expect(logged[0]!.msg).toMatch(/no .*onnx\/model_quantized\.onnx \(or model\.onnx\)/);
    });

    it('when @huggingface/transformers is not installed', async () => {
      const modelDir = path.join(home, 'with-onnx');
      fs.mkdirSync(path.join(modelDir, 'onnx'), { recursive: true });
      for (const f of ['config.json', 'tokenizer.json', 'onnx/model_quantized.onnx']) fs.writeFileSync(path.join(modelDir, f), '{}');
      const logged: Logged = [];
      // The package is a dependency now, so act out its absence with the error Node gives.
      const missing = async (name: string) => { throw Object.assign(new Error(`Cannot find package '${name}' imported from ${home}`), { code: 'ERR_MODULE_NOT_FOUND' }); };
      const e = await chooseEmbedder({ ...defaultCacheSettings().semantic, embedder: 'local', localModelDir: modelDir }, { home, log: logger(logged), importModule: missing });
      expect(e.id).toMatch(/^lexical/);
      expect(logged[0]!.msg).toMatch(/@huggingface\/transformers is not installed.*ONNXRUNTIME_NODE_INSTALL=skip/);
    });

    it('when the model files are not a model (the real package refuses them)', async () => {
      const logged: Logged = [];
      const e = await chooseEmbedder({ ...defaultCacheSettings().semantic, embedder: 'local', localModelDir: path.join(home, 'with-onnx') }, { home, log: logger(logged) });
      expect(e.id).toMatch(/^lexical/);
      expect(logged[0]!.level).toBe('warn');
      expect(logged[0]!.msg).toMatch(/the local embedder is unavailable, using lexical instead/);
    });
  });

  describe('provider embeddings through the official SDKs', () => {
    let server: Server;
    let base: string;
    const seen: { url: string; body: unknown }[] = [];
    beforeAll(async () => {
      // A local stand-in for the two embedding endpoints (the shared fake serves chat only).
      server = createServer((req, res) => {
        let raw = '';
        req.on('data', (d: Buffer) => { raw += d.toString(); });
        req.on('end', () => {
          const body = JSON.parse(raw) as { input?: string[]; requests?: unknown[] };
          seen.push({ url: req.url ?? '', body });
          res.setHeader('content-type', 'application/json');
          if (req.url?.endsWith('/v1/embeddings')) {
            res.end(JSON.stringify({ object: 'list', model: 'text-embedding-3-small', data: (body.input ?? []).map((_, i) => ({ object: 'embedding', index: i, embedding: [i + 1, 2, 0] })), usage: { prompt_tokens: 1, total_tokens: 1 } }));
          } else if (/:batchEmbedContents$|:embedContent$/.test(req.url ?? '')) {
            res.end(JSON.stringify({ embeddings: (body.requests ?? [null]).map((_, i) => ({ values: [0, i + 1, 2] })) }));
          } else {
            res.statusCode = 404;
            res.end('{}');
          }
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('OpenAI: embeddings.create, normalized, in input order', async () => {
      const e = providerEmbedder({ provider: 'openai', apiKey: 'sk-test-FAKE', baseURL: `${base}/v1` });
      const [a, b] = await e.embed(['one', 'two']);
      expect(e.id).toBe('provider:openai:text-embedding-3-small');
      expect(dot(a!, a!)).toBeCloseTo(1, 5);
      expect(a![0]).toBeCloseTo(1 / Math.sqrt(5), 5);
      expect(b![0]).toBeCloseTo(2 / Math.sqrt(8), 5);
      expect(seen.at(-1)?.body).toMatchObject({ model: 'text-embedding-3-small', input: ['one', 'two'] });
    });

    it('Gemini: models.embedContent, normalized', async () => {
      const e = providerEmbedder({ provider: 'gemini', apiKey: 'AIzaFAKE', baseURL: base });
      const [a, b] = await e.embed(['one', 'two']);
      expect(e.id).toBe('provider:gemini:gemini-embedding-001');
      expect(a![1]).toBeCloseTo(1 / Math.sqrt(5), 5);
      expect(b![1]).toBeCloseTo(2 / Math.sqrt(8), 5);
      expect(seen.at(-1)?.url).toMatch(/gemini-embedding-001:(batchEmbedContents|embedContent)$/);
    });

    it('chooseEmbedder: provider without a key falls back to lexical', async () => {
      const logged: Logged = [];
      const e = await chooseEmbedder({ ...defaultCacheSettings().semantic, embedder: 'provider' }, { home: os.tmpdir(), log: logger(logged), providerAccess: () => ({ baseURL: base, apiKey: undefined }) });
      expect(e.id).toMatch(/^lexical/);
      expect(logged[0]!.msg).toMatch(/no API key for openai embeddings/);
    });
  });
});
