import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { MINILM_QUANTIZED_SHA256 } from '../../../../daemon/cache/cacheSettings';
import { loadLocalEmbedder } from '../../../../daemon/cache/localEmbedder';
import { installModel, ModelInstallError } from '../../../../daemon/cache/modelInstall';
import { generateTinyBert } from '../../../fixtures/tinyBert/generateTinyBert';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-install-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A zip of `dir`'s files under `prefix/`: the first file stored, the rest deflated. */
function zipFolder(dir: string, prefix: string, extra: { name: string; data: Buffer }[] = []): Buffer {
  const files: { name: string; data: Buffer }[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${rel}${e.name}/`);
      else files.push({ name: `${prefix}${rel}${e.name}`, data: fs.readFileSync(path.join(d, e.name)) });
    }
  };
  walk(dir, '');
  files.push(...extra);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  files.forEach((f, i) => {
    const method = i === 0 ? 0 : 8;
    const body = method === 0 ? f.data : zlib.deflateRawSync(f.data);
    const name = Buffer.from(f.name);
    const crc = zlib.crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  });
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('conduit cache model install (the copy and the sha256 check)', () => {
  // The user's download: the Hugging Face layout, with the quantized file name.
  const source = path.join(root, 'download');
  const model = generateTinyBert(source, { onnxName: 'model_quantized.onnx' });
  const expected = sha(model.onnxFile);
  const dest = path.join(root, 'home', 'models', 'all-MiniLM-L6-v2');

  it('pins the published hash of all-MiniLM-L6-v2 model_quantized.onnx by default', () => {
    expect(MINILM_QUANTIZED_SHA256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a file whose sha256 is not the pinned one, and installs nothing', async () => {
    const err = await installModel({ from: source, dest, sha256: MINILM_QUANTIZED_SHA256 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelInstallError);
    expect((err as Error).message).toContain(
      `sha256 mismatch for onnx/model_quantized.onnx: expected ${MINILM_QUANTIZED_SHA256}, got ${expected}`,
    );
    expect(fs.existsSync(dest)).toBe(false);
    expect(fs.readdirSync(path.dirname(dest))).toEqual([]);
  });

  it('copies a folder whose ONNX file matches; the installed model loads and embeds', async () => {
    const r = await installModel({ from: source, dest, sha256: expected.toUpperCase() });
    expect(r).toMatchObject({ dest, sha256: expected, bytes: model.bytes });
    expect(r.files.sort()).toEqual([
      'config.json',
      path.join('onnx', 'model_quantized.onnx'),
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect(JSON.parse(fs.readFileSync(path.join(dest, 'conduit-model.json'), 'utf8'))).toMatchObject({
      sha256: expected,
    });
    const e = await loadLocalEmbedder({ modelDir: dest });
    expect(e.dtype).toBe('q8');
    expect(e.sha256).toBe(expected);
    const [v] = await e.embed(['installed']);
    expect(v).toHaveLength(16);
  });

  it('a failed install keeps the model already there', async () => {
    const other = path.join(root, 'other');
    generateTinyBert(other, { seed: 7, onnxName: 'model_quantized.onnx' });
    await expect(installModel({ from: other, dest, sha256: expected })).rejects.toThrow(/sha256 mismatch/);
    expect(sha(path.join(dest, 'onnx', 'model_quantized.onnx'))).toBe(expected);
  });

  it('installs from a zip that wraps the folder (stored and deflated entries)', async () => {
    const zip = path.join(root, 'model.zip');
    fs.writeFileSync(zip, zipFolder(source, 'all-MiniLM-L6-v2/'));
    const into = path.join(root, 'home2', 'models', 'm');
    const r = await installModel({ from: zip, dest: into, sha256: expected });
    expect(sha(r.onnxFile)).toBe(expected);
    expect(fs.readFileSync(path.join(into, 'tokenizer.json'))).toEqual(
      fs.readFileSync(path.join(source, 'tokenizer.json')),
    );
  });

  it('refuses a zip entry that points outside the folder', async () => {
    const zip = path.join(root, 'evil.zip');
    fs.writeFileSync(zip, zipFolder(source, 'm/', [{ name: '../../escaped.txt', data: Buffer.from('x') }]));
    await expect(installModel({ from: zip, dest: path.join(root, 'home3', 'm'), sha256: expected })).rejects.toThrow(
      /points outside the folder/,
    );
    expect(fs.existsSync(path.join(root, 'escaped.txt'))).toBe(false);
  });

  it('says what a model folder needs when given something else', async () => {
    const empty = fs.mkdtempSync(path.join(root, 'empty-'));
    await expect(installModel({ from: empty, dest: path.join(root, 'home4', 'm'), sha256: expected })).rejects.toThrow(
      /holds no model: it needs config\.json, tokenizer\.json and onnx\/model_quantized\.onnx/,
    );
    await expect(
      installModel({ from: path.join(root, 'nope'), dest: path.join(root, 'home4', 'm'), sha256: expected }),
    ).rejects.toThrow(/does not exist/);
    await expect(installModel({ from: source, dest: path.join(root, 'home4', 'm'), sha256: 'abc' })).rejects.toThrow(
      /64 hex digits/,
    );
  });
});
