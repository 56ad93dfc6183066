import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { findOnnxFile, sha256File } from './localEmbedder';

/** The files a model folder needs besides its ONNX file; the tokenizer config is optional. */
const REQUIRED = ['config.json', 'tokenizer.json'];
const OPTIONAL = ['tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt'];

export class ModelInstallError extends Error {
  override name = 'ModelInstallError';
}

export interface ModelInstallOptions {
  /** A model folder (the Hugging Face layout: config.json, tokenizer.json, onnx/…) or a .zip of one. */
  from: string;
  /** Where the model goes: cache.semantic.localModelDir. */
  dest: string;
  /** The sha256 the ONNX file must have. */
  sha256: string;
}

export interface ModelInstallResult {
  dest: string;
  onnxFile: string;
  sha256: string;
  bytes: number;
  files: string[];
}

/**
 * `conduit cache model install --from FOLDER_OR_ZIP`: copies a model the user fetched into the
 * model folder, after checking the ONNX file's sha256 against the pin. Nothing is downloaded.
 * The copy goes to a sibling temp folder first and replaces `dest` in one rename, so a failed
 * install leaves the previous model in place.
 */
export async function installModel(opts: ModelInstallOptions): Promise<ModelInstallResult> {
  const expected = opts.sha256.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(expected))
    throw new ModelInstallError(`the expected sha256 must be 64 hex digits, not "${opts.sha256}".`);
  if (!fs.existsSync(opts.from)) throw new ModelInstallError(`${opts.from} does not exist.`);
  const dest = path.resolve(opts.dest);
  fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
  const staging = fs.mkdtempSync(path.join(path.dirname(dest), `.${path.basename(dest)}.install-`));
  try {
    let source: string;
    if (fs.statSync(opts.from).isDirectory()) {
      source = opts.from;
    } else if (opts.from.toLowerCase().endsWith('.zip')) {
      source = path.join(staging, 'unzipped');
      extractZip(fs.readFileSync(opts.from), source);
    } else {
      throw new ModelInstallError(
        `${opts.from} is neither a folder nor a .zip. Give the model folder (config.json, tokenizer.json, onnx/model_quantized.onnx) or a zip of it.`,
      );
    }
    const root = findModelRoot(source);
    if (!root)
      throw new ModelInstallError(
        `${opts.from} holds no model: it needs ${REQUIRED.join(', ')} and onnx/model_quantized.onnx (or onnx/model.onnx), at its top or one folder down.`,
      );
    const onnx = findOnnxFile(root)!;
    const actual = await sha256File(onnx.file);
    if (actual !== expected) {
      throw new ModelInstallError(
        `sha256 mismatch for ${path.relative(root, onnx.file)}: expected ${expected}, got ${actual}. The file is not the pinned model (a different build, or damaged); nothing was installed.`,
      );
    }
    const out = path.join(staging, 'model');
    fs.mkdirSync(path.join(out, 'onnx'), { recursive: true });
    const files: string[] = [];
    for (const f of [...REQUIRED, ...OPTIONAL]) {
      if (!fs.existsSync(path.join(root, f))) continue;
      fs.copyFileSync(path.join(root, f), path.join(out, f));
      files.push(f);
    }
    const onnxRel = path.join('onnx', path.basename(onnx.file));
    fs.copyFileSync(onnx.file, path.join(out, onnxRel));
    files.push(onnxRel);
    // The copy is what gets used: check it too, then say where it came from.
    if ((await sha256File(path.join(out, onnxRel))) !== expected)
      throw new ModelInstallError('the copied ONNX file does not match its source; nothing was installed.');
    fs.writeFileSync(
      path.join(out, 'conduit-model.json'),
      JSON.stringify(
        { onnx: onnxRel, sha256: expected, source: path.resolve(opts.from), installedAt: new Date().toISOString() },
        null,
        2,
      ) + '\n',
    );
    const old = `${staging}-old`;
    if (fs.existsSync(dest)) fs.renameSync(dest, old);
    fs.renameSync(out, dest);
    fs.rmSync(old, { recursive: true, force: true });
    return {
      dest,
      onnxFile: path.join(dest, onnxRel),
      sha256: actual,
      bytes: fs.statSync(path.join(dest, onnxRel)).size,
      files,
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** `dir` itself, or its only subfolder that holds a model (a zip usually wraps one folder). */
function findModelRoot(dir: string): string | undefined {
  const isModel = (d: string) => REQUIRED.every((f) => fs.existsSync(path.join(d, f))) && findOnnxFile(d) !== undefined;
  if (isModel(dir)) return dir;
  const subs = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(dir, e.name))
    .filter(isModel);
  return subs.length === 1 ? subs[0] : undefined;
}

/**
 * Extracts a zip (stored or deflated entries; what `zip` and every OS's "compress" write) into
 * `out`. Names that would land outside `out` are refused.
 */
export function extractZip(buf: Buffer, out: string): void {
  // The end-of-central-directory record: its signature, within the last 64 kB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ModelInstallError('not a zip file (no central directory).');
  const entries = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (entries === 0xffff || p === 0xffffffff)
    throw new ModelInstallError('zip64 archives are not supported; unzip it and give the folder.');
  const root = path.resolve(out);
  fs.mkdirSync(root, { recursive: true });
  for (let n = 0; n < entries; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new ModelInstallError('damaged zip (bad central directory entry).');
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    const target = path.resolve(root, name);
    if (target !== root && !target.startsWith(root + path.sep))
      throw new ModelInstallError(`the zip entry "${name}" points outside the folder; refused.`);
    if (name.endsWith('/')) {
      fs.mkdirSync(target, { recursive: true });
      continue;
    }
    if (buf.readUInt32LE(local) !== 0x04034b50)
      throw new ModelInstallError(`damaged zip (no local header for ${name}).`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressedSize);
    let data: Buffer;
    if (method === 0) data = Buffer.from(raw);
    else if (method === 8) data = zlib.inflateRawSync(raw);
    else
      throw new ModelInstallError(
        `the zip entry ${name} uses compression method ${method}; only stored and deflate are supported.`,
      );
    if (data.length !== size)
      throw new ModelInstallError(`damaged zip (${name}: ${data.length} bytes, expected ${size}).`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
  }
}
