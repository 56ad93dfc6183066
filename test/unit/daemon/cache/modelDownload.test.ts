import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalEmbedder } from '../../../../daemon/cache/localEmbedder';
import { downloadModel, hubBaseUrl, hubFileUrl, type DownloadProgress } from '../../../../daemon/cache/modelDownload';
import { ModelInstallError } from '../../../../daemon/cache/modelInstall';
import { generateTinyBert } from '../../../fixtures/tinyBert/generateTinyBert';

const REPO = 'conduit-test/tiny-bert';
const REV = '0123456789abcdef0123456789abcdef01234567';

/** The generated tiny model served in the hub's layout, /<repo>/resolve/<rev>/<file>, with Range support. */
interface Hub {
  base: string;
  requests: { url: string; range: string | undefined }[];
  cutNextOnnxAfter?: number;
  close: () => Promise<void>;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-download-'));
const model = path.join(root, 'served');
let onnxSha = '';
let onnxBytes = 0;
let hub: Hub;

beforeAll(async () => {
  generateTinyBert(model, { onnxName: 'model_quantized.onnx' });
  const onnx = fs.readFileSync(path.join(model, 'onnx', 'model_quantized.onnx'));
  onnxSha = createHash('sha256').update(onnx).digest('hex');
  onnxBytes = onnx.length;
  const requests: Hub['requests'] = [];
  const state: Hub = { base: '', requests, close: async () => undefined };
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', range: req.headers.range });
    const prefix = `/${REPO}/resolve/${REV}/`;
    const file = req.url?.startsWith(prefix) ? path.join(model, decodeURIComponent(req.url.slice(prefix.length))) : '';
    if (!file || !fs.existsSync(file)) {
      res.writeHead(404).end('Entry not found');
      return;
    }
    const data = fs.readFileSync(file);
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    if (start >= data.length && m) {
      res.writeHead(416, { 'Content-Range': `bytes */${data.length}` }).end();
      return;
    }
    const body = data.subarray(start);
    res.writeHead(m ? 206 : 200, {
      'Content-Length': body.length,
      ...(m ? { 'Content-Range': `bytes ${start}-${data.length - 1}/${data.length}` } : {}),
    });
    const cut = file.endsWith('.onnx') ? state.cutNextOnnxAfter : undefined;
    if (cut !== undefined) {
      state.cutNextOnnxAfter = undefined;
      // The connection closes part way (a FIN after the bytes, so all of them arrive): what was sent stays in the .part file.
      res.write(body.subarray(0, cut), () => res.socket?.end());
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((r) => server.close(() => r()));
  hub = state;
});

afterAll(async () => {
  await hub.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('conduit cache model install --download', () => {
  it('builds the hub URL layout, and takes its base from CONDUIT_MODEL_BASE_URL or HF_ENDPOINT', () => {
    expect(hubFileUrl('https://huggingface.co', 'Xenova/all-MiniLM-L6-v2', 'abc', 'onnx/model_quantized.onnx')).toBe(
      'https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/abc/onnx/model_quantized.onnx',
    );
    expect(hubBaseUrl({})).toBe('https://huggingface.co');
    expect(hubBaseUrl({ CONDUIT_MODEL_BASE_URL: 'http://127.0.0.1:9/' })).toBe('http://127.0.0.1:9');
    expect(hubBaseUrl({ HF_ENDPOINT: 'https://mirror.example' })).toBe('https://mirror.example');
  });

  it('downloads the files, checks the pinned sha256, installs a model that loads, and reports progress', async () => {
    const dest = path.join(root, 'fresh');
    const progress: DownloadProgress[] = [];
    const r = await downloadModel({
      dest,
      sha256: onnxSha,
      repo: REPO,
      revision: REV,
      baseUrl: hub.base,
      onProgress: (p) => progress.push(p),
    });
    expect(r.sha256).toBe(onnxSha);
    expect(r.downloaded).toEqual(
      expect.arrayContaining(['config.json', 'tokenizer.json', 'onnx/model_quantized.onnx']),
    );
    const last = progress.filter((p) => p.file === 'onnx/model_quantized.onnx').at(-1)!;
    expect(last).toMatchObject({ received: onnxBytes, total: onnxBytes, resumedFrom: 0 });
    expect(fs.existsSync(`${dest}.download`)).toBe(false);
    const embedder = await loadLocalEmbedder({ modelDir: dest });
    expect(embedder.sha256).toBe(onnxSha);
  });

  it('resumes an interrupted download with a Range request for the rest', async () => {
    const dest = path.join(root, 'resumed');
    const cut = Math.floor(onnxBytes / 3);
    hub.cutNextOnnxAfter = cut;
    await expect(
      downloadModel({ dest, sha256: onnxSha, repo: REPO, revision: REV, baseUrl: hub.base }),
    ).rejects.toThrow(/stopped after .*Run the command again to resume/);
    const part = path.join(`${dest}.download`, 'onnx', 'model_quantized.onnx.part');
    const kept = fs.statSync(part).size;
    expect(kept).toBe(cut);
    const before = hub.requests.length;
    const progress: DownloadProgress[] = [];
    const r = await downloadModel({
      dest,
      sha256: onnxSha,
      repo: REPO,
      revision: REV,
      baseUrl: hub.base,
      onProgress: (p) => progress.push(p),
    });
    expect(r.sha256).toBe(onnxSha);
    const again = hub.requests.slice(before);
    // The complete files were not asked for again; the ONNX file only from where it stopped. (Optional
    // files the hub lacks are asked for each time: a 404 costs one small request.)
    expect(
      again.filter((q) => /config\.json$|tokenizer\.json$/.test(q.url) && !/tokenizer_config/.test(q.url)),
    ).toEqual([]);
    expect(again.filter((q) => q.url.endsWith('.onnx'))).toEqual([
      { url: `/${REPO}/resolve/${REV}/onnx/model_quantized.onnx`, range: `bytes=${kept}-` },
    ]);
    expect(progress.at(-1)).toMatchObject({ resumedFrom: kept, received: onnxBytes, total: onnxBytes });
  });

  it('refuses a file whose sha256 is not the pinned one, installs nothing, and deletes it so the next run fetches it anew', async () => {
    const dest = path.join(root, 'mismatch');
    const wrong = 'f'.repeat(64);
    const err = await downloadModel({ dest, sha256: wrong, repo: REPO, revision: REV, baseUrl: hub.base }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModelInstallError);
    expect((err as Error).message).toMatch(/sha256 mismatch .*expected f{64}, got [0-9a-f]{64}.*deleted/);
    expect(fs.existsSync(dest)).toBe(false);
    expect(fs.existsSync(path.join(`${dest}.download`, 'onnx'))).toBe(false);
  });

  it('a repository or revision the hub does not have is a clear error', async () => {
    const err = await downloadModel({
      dest: path.join(root, 'nope'),
      sha256: onnxSha,
      repo: 'no/such',
      revision: REV,
      baseUrl: hub.base,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/not found \(404\): is no\/such at revision .* the right model\?/);
  });
});
