import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalize, type Embedder } from './embedder';
import { nodeCrypto } from '../platform/nodeCrypto';

export interface LocalEmbedderOptions {
  /** The model folder: config.json, tokenizer.json, onnx/model_quantized.onnx or onnx/model.onnx. */
  modelDir: string;
  /** Texts per inference run; concurrent embed() calls are gathered into runs of up to this many. */
  batchSize?: number;
  /** How the package is loaded; tests replace it to act out a missing package. */
  importModule?: (name: string) => Promise<unknown>;
}

/** Where `local` looks by default, and where `conduit cache model install` puts the model. */
export function defaultLocalModelDir(home: string): string {
  return path.join(home, 'models', 'all-MiniLM-L6-v2');
}

/** The word pieces all-MiniLM-L6-v2 was trained with; longer prompts are cut, as sentence-transformers does. */
const MAX_TOKENS = 256;

/** What transformers.js tensors look like from here: int64 inputs come as BigInt64Array. */
interface TensorLike {
  data: ArrayLike<number | bigint>;
  dims: number[];
}
type Tokenizer = (
  texts: string[],
  opts: { padding: boolean; truncation: boolean; max_length: number },
) => Record<string, TensorLike>;
type Model = (inputs: Record<string, TensorLike>) => Promise<Record<string, TensorLike | undefined>>;

/** The slice of @huggingface/transformers this file uses, so nothing else of its types leaks in. */
interface TransformersModule {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string; useFSCache: boolean };
  AutoTokenizer: { from_pretrained(id: string, opts: { local_files_only: boolean }): Promise<Tokenizer> };
  AutoModel: {
    from_pretrained(
      id: string,
      opts: { dtype: 'fp32' | 'q8'; device: 'cpu'; local_files_only: boolean },
    ): Promise<Model>;
  };
}

export class LocalEmbedderUnavailable extends Error {
  override name = 'LocalEmbedderUnavailable';
}

const PACKAGE = '@huggingface/transformers';

/** The model folder's ONNX file: the quantized one (what is distributed, 23 MB) first, else fp32. */
export function findOnnxFile(modelDir: string): { file: string; dtype: 'q8' | 'fp32' } | undefined {
  const q8 = path.join(modelDir, 'onnx', 'model_quantized.onnx');
  if (fs.existsSync(q8)) return { file: q8, dtype: 'q8' };
  const fp32 = path.join(modelDir, 'onnx', 'model.onnx');
  if (fs.existsSync(fp32)) return { file: fp32, dtype: 'fp32' };
  return undefined;
}

export async function sha256File(file: string): Promise<string> {
  const hash = nodeCrypto().createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Mean pooling over the tokens the attention mask keeps, then L2 normalization: what
 * sentence-transformers does for all-MiniLM-L6-v2. `hidden` is [batch, seq, dims], `mask` [batch, seq].
 */
export function meanPoolNormalize(
  hidden: ArrayLike<number>,
  mask: ArrayLike<number | bigint>,
  batch: number,
  seq: number,
  dims: number,
): Float32Array[] {
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(dims);
    let count = 0;
    for (let t = 0; t < seq; t++) {
      if (Number(mask[b * seq + t]) === 0) continue;
      count++;
      const off = (b * seq + t) * dims;
      for (let d = 0; d < dims; d++) v[d] = v[d]! + hidden[off + d]!;
    }
    // sentence-transformers clamps the count at 1e-9; an empty mask gives a zero vector either way.
    const n = Math.max(count, 1e-9);
    for (let d = 0; d < dims; d++) v[d] = v[d]! / n;
    out.push(normalize(v));
  }
  return out;
}

interface Pending {
  text: string;
  resolve: (v: Float32Array) => void;
  reject: (err: unknown) => void;
}

/**
 * A sentence model (all-MiniLM-L6-v2 by default) through @huggingface/transformers, from a local
 * folder only: remote downloads are off. The package is imported by name at run time, never
 * bundled (its onnxruntime-node binaries live in its own folder).
 *
 * Inference is one run at a time; texts that arrive while a run is going are embedded together
 * in the next run (up to `batchSize`), padded to the longest, pooled over the attention mask.
 */
export async function loadLocalEmbedder(
  opts: LocalEmbedderOptions,
): Promise<Embedder & { readonly sha256: string; readonly dtype: 'q8' | 'fp32' }> {
  const dir = path.resolve(opts.modelDir);
  const hint = `Install it with \`conduit cache model install --from FOLDER_OR_ZIP\` (see docs/caching.md), or set cache.semantic.embedder to "lexical" or "provider".`;
  for (const f of ['config.json', 'tokenizer.json']) {
    if (!fs.existsSync(path.join(dir, f)))
      throw new LocalEmbedderUnavailable(`the local embedding model is missing: no ${path.join(dir, f)}. ${hint}`);
  }
  const onnx = findOnnxFile(dir);
  if (!onnx)
    throw new LocalEmbedderUnavailable(
      `the local embedding model is missing: no ${path.join(dir, 'onnx', 'model_quantized.onnx')} (or model.onnx). ${hint}`,
    );

  const importModule =
    opts.importModule ?? ((name: string) => import(/* webpackIgnore: true */ name) as Promise<unknown>);
  let mod: TransformersModule;
  try {
    mod = (await importModule(PACKAGE)) as TransformersModule;
  } catch (err) {
    throw new LocalEmbedderUnavailable(
      `${PACKAGE} is not installed (${err instanceof Error ? err.message : String(err)}). ` +
        `Install it beside Conduit's npm package with ONNXRUNTIME_NODE_INSTALL=skip npm install -g ${PACKAGE}@4 ` +
        '(the variable stops onnxruntime-node from downloading CUDA libraries from outside npm; see docs/platforms.md), ' +
        'or set cache.semantic.embedder to "lexical" or "provider".',
    );
  }
  mod.env.allowRemoteModels = false;
  mod.env.allowLocalModels = true;
  mod.env.useFSCache = false;
  // transformers.js finds a model by id under localModelPath: the folder's parent and its name.
  mod.env.localModelPath = path.dirname(dir);
  const id = path.basename(dir);
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as {
    max_position_embeddings?: number;
  };
  const maxLength = Math.min(MAX_TOKENS, config.max_position_embeddings ?? MAX_TOKENS);
  const [tokenizer, model, sha256] = await Promise.all([
    mod.AutoTokenizer.from_pretrained(id, { local_files_only: true }),
    mod.AutoModel.from_pretrained(id, { dtype: onnx.dtype, device: 'cpu', local_files_only: true }),
    sha256File(onnx.file),
  ]);

  const batchSize = Math.max(1, opts.batchSize ?? 32);
  let queue: Pending[] = [];
  let running = false;

  const runBatch = async (texts: string[]): Promise<Float32Array[]> => {
    const inputs = tokenizer(texts, { padding: true, truncation: true, max_length: maxLength });
    const outputs = await model(inputs);
    const hidden = outputs['last_hidden_state'] ?? outputs['token_embeddings'];
    const mask = inputs['attention_mask'];
    if (!hidden || !mask || hidden.dims.length !== 3)
      throw new Error('the local model gave no last_hidden_state [batch, seq, dims]');
    const [batch, seq, dims] = hidden.dims as [number, number, number];
    return meanPoolNormalize(hidden.data as ArrayLike<number>, mask.data, batch, seq, dims);
  };

  const pump = (): void => {
    if (running || queue.length === 0) return;
    running = true;
    const take = queue.slice(0, batchSize);
    queue = queue.slice(batchSize);
    runBatch(take.map((p) => p.text))
      .then(
        (vectors) => take.forEach((p, i) => p.resolve(vectors[i]!)),
        (err: unknown) => take.forEach((p) => p.reject(err)),
      )
      .finally(() => {
        running = false;
        pump();
      });
  };

  return {
    // The hash names the weights: vectors from another model file are never compared.
    id: `local:${id}:${sha256.slice(0, 12)}`,
    // A batcher in front sends at most one run's worth per call: each call is one inference run.
    maxBatch: batchSize,
    sha256,
    dtype: onnx.dtype,
    embed(texts, signal) {
      if (texts.length === 0) return Promise.resolve([]);
      if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
      const all = texts.map(
        (text) =>
          new Promise<Float32Array>((resolve, reject) => {
            queue.push({ text, resolve, reject });
          }),
      );
      pump();
      return Promise.all(all);
    },
  };
}
