import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalize, type Embedder } from './embedder';

export interface LocalEmbedderOptions {
  /** The folder that holds `<modelId>/` (config.json, tokenizer.json, onnx/model.onnx). */
  modelPath: string;
  modelId: string;
  /** How the optional package is loaded; tests replace it. */
  importModule?: (name: string) => Promise<unknown>;
}

/** The slice of @huggingface/transformers this file uses, so nothing else of its types leaks in. */
interface TransformersModule {
  env: { allowRemoteModels: boolean; localModelPath: string };
  pipeline(task: 'feature-extraction', model: string, opts: { dtype: 'fp32' }): Promise<FeatureExtractor>;
}
type FeatureExtractor = (texts: string[], opts: { pooling: 'mean'; normalize: boolean }) => Promise<{ data: Float32Array; dims: number[] }>;

export class LocalEmbedderUnavailable extends Error {
  override name = 'LocalEmbedderUnavailable';
}

const PACKAGE = '@huggingface/transformers';

/**
 * all-MiniLM-L6-v2 (or another sentence model) through @huggingface/transformers, from a local
 * folder only: remote downloads are off. The package is optional and not installed by default
 * (its onnxruntime-node is about 100 MB and must be installed with ONNXRUNTIME_NODE_INSTALL=skip),
 * so it is imported by name at run time, never bundled.
 */
export async function loadLocalEmbedder(opts: LocalEmbedderOptions): Promise<Embedder> {
  const folder = path.join(opts.modelPath, opts.modelId);
  if (!fs.existsSync(path.join(folder, 'config.json'))) {
    throw new LocalEmbedderUnavailable(`the local embedding model is missing: no ${path.join(folder, 'config.json')}. Download all-MiniLM-L6-v2 (ONNX) into ${folder}, or set cache.semantic.embedder to "lexical" or "provider".`);
  }
  const importModule = opts.importModule ?? ((name: string) => import(/* webpackIgnore: true */ name) as Promise<unknown>);
  let mod: TransformersModule;
  try {
    mod = (await importModule(PACKAGE)) as TransformersModule;
  } catch (err) {
    throw new LocalEmbedderUnavailable(`${PACKAGE} is not installed (${err instanceof Error ? err.message : String(err)}). Install it with ONNXRUNTIME_NODE_INSTALL=skip npm install ${PACKAGE}, or set cache.semantic.embedder to "lexical" or "provider".`);
  }
  mod.env.allowRemoteModels = false;
  mod.env.localModelPath = opts.modelPath;
  const extract = await mod.pipeline('feature-extraction', opts.modelId, { dtype: 'fp32' });
  return {
    id: `local:${opts.modelId}`,
    async embed(texts) {
      if (texts.length === 0) return [];
      const out = await extract([...texts], { pooling: 'mean', normalize: true });
      const dims = out.dims[out.dims.length - 1] ?? 0;
      return texts.map((_, i) => normalize(Float32Array.from(out.data.subarray(i * dims, (i + 1) * dims))));
    },
  };
}
