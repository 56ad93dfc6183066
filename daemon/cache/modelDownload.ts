import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { installModel, ModelInstallError, type ModelInstallResult } from './modelInstall';

/** Where all-MiniLM-L6-v2 comes from: the repository and the commit the pinned sha256 belongs to. */
export const MINILM_REPO = 'Xenova/all-MiniLM-L6-v2';
export const MINILM_REVISION = '751bff37182d3f1213fa05d7196b954e230abad9';
/** The hub's host. CONDUIT_MODEL_BASE_URL (or HF_ENDPOINT, the hub client's own name for it) points elsewhere: a mirror, or a test server. */
export const HUB_BASE_URL = 'https://huggingface.co';

/** The files a model folder needs, as the hub lays them out; `optional` ones may be missing (404). */
const FILES: readonly { name: string; optional?: boolean }[] = [
  { name: 'config.json' },
  { name: 'tokenizer.json' },
  { name: 'tokenizer_config.json', optional: true },
  { name: 'special_tokens_map.json', optional: true },
  { name: 'onnx/model_quantized.onnx' },
];

export interface DownloadProgress {
  file: string;
  received: number;
  /** Null when the server does not say. */
  total: number | null;
  /** Bytes that were on disk from an earlier, interrupted download. */
  resumedFrom: number;
}

export interface ModelDownloadOptions {
  dest: string;
  sha256: string;
  repo?: string;
  revision?: string;
  baseUrl?: string;
  onProgress?: (p: DownloadProgress) => void;
  fetch?: typeof fetch;
}

export function hubBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.CONDUIT_MODEL_BASE_URL || env.HF_ENDPOINT || HUB_BASE_URL).replace(/\/+$/, '');
}

/** The hub's URL for one file of a repository at a revision: <base>/<repo>/resolve/<revision>/<file>. */
export function hubFileUrl(baseUrl: string, repo: string, revision: string, file: string): string {
  return `${baseUrl}/${repo}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * `conduit cache model install --download`: fetches the model's files from the hub's URL layout
 * into a download folder beside the model folder, then installs them with installModel, which
 * checks the ONNX file against the pinned sha256 and swaps the folder in one rename. A download
 * that stops keeps its `.part` files, and the next run asks for the rest (HTTP Range). A file
 * whose checksum is wrong is deleted, so the next run fetches it anew rather than resuming it.
 */
export async function downloadModel(
  opts: ModelDownloadOptions,
): Promise<ModelInstallResult & { downloaded: string[] }> {
  const repo = opts.repo ?? MINILM_REPO;
  const revision = opts.revision ?? MINILM_REVISION;
  const base = (opts.baseUrl ?? hubBaseUrl()).replace(/\/+$/, '');
  const doFetch = opts.fetch ?? fetch;
  const dest = path.resolve(opts.dest);
  const work = `${dest}.download`;
  fs.mkdirSync(work, { recursive: true, mode: 0o700 });
  const downloaded: string[] = [];
  for (const f of FILES) {
    const target = path.join(work, f.name);
    if (fs.existsSync(target)) continue;
    const url = hubFileUrl(base, repo, revision, f.name);
    const got = await fetchResumable(doFetch, url, target, f.name, opts.onProgress);
    if (got === 'missing') {
      if (f.optional) continue;
      throw new ModelInstallError(`${url} was not found (404): is ${repo} at revision ${revision} the right model?`);
    }
    downloaded.push(f.name);
  }
  try {
    const result = await installModel({ from: work, dest, sha256: opts.sha256 });
    fs.rmSync(work, { recursive: true, force: true });
    return { ...result, downloaded };
  } catch (err) {
    if (err instanceof ModelInstallError && /sha256 mismatch/.test(err.message)) {
      fs.rmSync(path.join(work, 'onnx'), { recursive: true, force: true });
      throw new ModelInstallError(
        `${err.message} The downloaded file was deleted; the next --download fetches it again.`,
      );
    }
    throw err;
  }
}

/** Downloads `url` to `target` through `target.part`, resuming from what the part file holds. */
async function fetchResumable(
  doFetch: typeof fetch,
  url: string,
  target: string,
  name: string,
  onProgress?: (p: DownloadProgress) => void,
): Promise<'ok' | 'missing'> {
  const part = `${target}.part`;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const have = fs.existsSync(part) ? fs.statSync(part).size : 0;
  let res: Response;
  try {
    res = await doFetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, redirect: 'follow' });
  } catch (err) {
    throw new ModelInstallError(
      `could not reach ${url}: ${err instanceof Error ? err.message : String(err)}. Nothing was installed; run the command again to resume.`,
    );
  }
  if (res.status === 404) return 'missing';
  // The part file already holds the whole file.
  if (res.status === 416 && have > 0) {
    fs.renameSync(part, target);
    return 'ok';
  }
  if (res.status !== 200 && res.status !== 206) {
    throw new ModelInstallError(`${url} answered HTTP ${res.status}. Nothing was installed.`);
  }
  // 200 to a Range request: the server sends the whole file, so start over.
  const resumedFrom = res.status === 206 ? have : 0;
  const length = Number(res.headers.get('content-length') ?? NaN);
  const total = Number.isFinite(length) ? resumedFrom + length : null;
  let received = resumedFrom;
  const out = fs.createWriteStream(part, { flags: resumedFrom > 0 ? 'a' : 'w' });
  onProgress?.({ file: name, received, total, resumedFrom });
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    received += chunk.length;
    onProgress?.({ file: name, received, total, resumedFrom });
  });
  // Not pipeline(): when the connection drops, what arrived must still reach the .part file, so the
  // next run resumes from there instead of from what happened to be flushed.
  const failed = await new Promise<Error | undefined>((resolve, reject) => {
    let error: Error | undefined;
    body.on('error', (err) => {
      error = err;
      out.end();
    });
    out.on('error', reject);
    out.on('close', () => resolve(error));
    body.pipe(out);
  });
  if (failed) {
    throw new ModelInstallError(
      `the download of ${name} stopped after ${received} bytes (${failed.message}). Run the command again to resume it.`,
    );
  }
  if (total !== null && received !== total) {
    throw new ModelInstallError(
      `the download of ${name} stopped after ${received} of ${total} bytes. Run the command again to resume it.`,
    );
  }
  fs.renameSync(part, target);
  return 'ok';
}
