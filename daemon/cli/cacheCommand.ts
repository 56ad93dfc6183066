import * as path from 'node:path';
import { parseArgs } from 'node:util';
import {
  CacheClearRequest,
  CacheStatsRequest,
  CacheWarmRequest,
  type CacheStatsResult,
  type ChatRequest,
} from '../../protocol';
import type { SemanticSettings } from '../cache/cacheSettings';
import { downloadModel, hubBaseUrl, MINILM_REPO, MINILM_REVISION, type DownloadProgress } from '../cache/modelDownload';
import { installModel, ModelInstallError } from '../cache/modelInstall';
import { defaultLocalModelDir } from '../cache/localEmbedder';
import { toConduitError } from '../client/daemonClient';
import { ConfigError, loadConfig } from '../config/config';
import { conduitHome, homeLayout } from '../home/conduitHome';
import { securePrivateDir } from '../home/safePath';
import { FILE_LIMITS, readUserFile } from './readUserFile';
import { connect, ExitCode, UsageError } from './context';
import { readTextFile, splitLines, stripBom } from '../platform/textFile';

/** Requests per cache/warm call: small enough to keep each message far below the frame limit. */
const WARM_BATCH = 50;

export async function cacheCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      from: { type: 'string' },
      sha256: { type: 'string' },
      download: { type: 'boolean', default: false },
      repo: { type: 'string' },
      revision: { type: 'string' },
    },
  });
  const [sub, file] = positionals;
  if (sub === 'model') return modelCommand(file, values);
  if (sub !== 'stats' && sub !== 'clear' && sub !== 'warm')
    throw new UsageError(
      sub === undefined ? 'cache needs a command: stats, clear or warm FILE.' : `unknown cache command "${sub}".`,
    );
  const requests = sub === 'warm' ? readRequests(file) : [];
  // stats and clear about a daemon that is not running have nothing to report or clear.
  const client = await connect(sub === 'warm');
  const send = <R>(p: Promise<R>) =>
    p.catch((e: unknown) => {
      throw toConduitError(e);
    });
  try {
    if (sub === 'stats') {
      const stats = await send(client.connection.sendRequest(CacheStatsRequest.type, {}));
      process.stdout.write(values.json ? JSON.stringify(stats, null, 2) + '\n' : formatStats(stats));
      return ExitCode.ok;
    }
    if (sub === 'clear') {
      const r = await send(client.connection.sendRequest(CacheClearRequest.type, {}));
      process.stdout.write(values.json ? JSON.stringify(r) + '\n' : `Cleared ${r.removed} cache entries.\n`);
      return ExitCode.ok;
    }
    const total = { warmed: 0, skipped: 0, alreadyCached: 0, notCacheable: 0, failed: 0, errors: [] as string[] };
    for (let i = 0; i < requests.length; i += WARM_BATCH) {
      const r = await send(
        client.connection.sendRequest(CacheWarmRequest.type, { requests: requests.slice(i, i + WARM_BATCH) }),
      );
      total.warmed += r.warmed;
      total.skipped += r.skipped;
      total.alreadyCached += r.alreadyCached ?? 0;
      total.notCacheable += r.notCacheable ?? 0;
      total.failed += r.failed;
      // Renumber the batch's "#n" to the line in FILE.
      total.errors.push(...r.errors.map((e) => e.replace(/^#(\d+)/, (_, n: string) => `line ${Number(n) + i}`)));
    }
    if (values.json) process.stdout.write(JSON.stringify(total, null, 2) + '\n');
    else {
      process.stdout.write(
        `Warmed ${total.warmed}, already cached ${total.alreadyCached}, not cacheable (temperature not 0) ${total.notCacheable}, failed ${total.failed}.\n`,
      );
      for (const e of total.errors) process.stderr.write(`conduit: warm ${e}\n`);
    }
    return total.failed > 0 ? ExitCode.failed : ExitCode.ok;
  } finally {
    client.close();
  }
}

/**
 * `conduit cache model install --from FOLDER_OR_ZIP | --download [--repo R --revision REV] [--sha256 HEX]`:
 * no daemon needed. --download fetches the files from the Hugging Face hub's URL layout
 * (CONDUIT_MODEL_BASE_URL or HF_ENDPOINT for a mirror), resuming an interrupted download. The model
 * goes to cache.semantic.localModelDir; the ONNX file must match --sha256, else
 * cache.semantic.localModelSha256 (by default the published hash of all-MiniLM-L6-v2's
 * onnx/model_quantized.onnx).
 */
async function modelCommand(action: string | undefined, values: ModelValues): Promise<number> {
  if (action !== 'install')
    throw new UsageError('cache model needs a command: install --from FOLDER_OR_ZIP | --download [--sha256 HEX].');
  if (values.from && values.download)
    throw new UsageError('cache model install takes --from FOLDER_OR_ZIP or --download, not both.');
  if (!values.from && !values.download)
    throw new UsageError(
      'cache model install needs --from FOLDER_OR_ZIP (the all-MiniLM-L6-v2 folder or a zip of it), or --download to fetch it from the Hugging Face hub.',
    );
  const layout = homeLayout(conduitHome());
  let semantic: SemanticSettings;
  try {
    semantic = loadConfig(layout.configFile).cache.semantic;
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  const dest = semantic.localModelDir ?? defaultLocalModelDir(layout.home);
  // The home's models/ folder follows the home's rules; a folder the user chose is theirs to keep.
  if (!semantic.localModelDir) securePrivateDir(path.dirname(dest));
  try {
    const sha256 = values.sha256 ?? semantic.localModelSha256;
    const r = values.download
      ? await downloadModel({
          dest,
          sha256,
          repo: values.repo ?? MINILM_REPO,
          revision: values.revision ?? MINILM_REVISION,
          baseUrl: hubBaseUrl(),
          onProgress: values.json ? undefined : progressLine(),
        })
      : await installModel({ from: values.from!, dest, sha256 });
    if (values.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else {
      process.stdout.write(
        `Installed the model in ${r.dest} (${r.files.join(', ')}); ${r.onnxFile} has the expected sha256 ${r.sha256}.\n`,
      );
      if (semantic.embedder !== 'local')
        process.stdout.write(
          'Set cache.semantic.embedder to "local" in config.json to use it, then restart the daemon (conduit stop).\n',
        );
      else process.stdout.write('Restart the daemon (conduit stop) to load it.\n');
    }
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof ModelInstallError) {
      process.stderr.write(`conduit: ${err.message}\n`);
      return ExitCode.failed;
    }
    throw err;
  }
}

interface ModelValues {
  json?: boolean;
  from?: string;
  sha256?: string;
  download?: boolean;
  repo?: string;
  revision?: string;
}

/** Progress on stderr: one line per file, redrawn in place on a terminal, every 10% otherwise. */
function progressLine(): (p: DownloadProgress) => void {
  const tty = process.stderr.isTTY === true;
  let lastFile = '';
  let lastTenth = -1;
  return (p) => {
    const pct = p.total ? Math.floor((100 * p.received) / p.total) : null;
    const tenth = pct === null ? -1 : Math.floor(pct / 10);
    const resumed = p.resumedFrom > 0 ? `, resumed at ${p.resumedFrom} bytes` : '';
    const line = `downloading ${p.file}: ${p.received}${p.total ? ` of ${p.total} bytes (${pct}%)` : ' bytes'}${resumed}`;
    if (tty) process.stderr.write(`\r${line}\x1b[K${p.total !== null && p.received >= p.total ? '\n' : ''}`);
    else if (p.file !== lastFile || tenth !== lastTenth) process.stderr.write(`${line}\n`);
    lastFile = p.file;
    lastTenth = tenth;
  };
}

/** JSON lines, one ChatRequest each; blank lines and lines starting with // are skipped. */
function readRequests(file: string | undefined): ChatRequest[] {
  if (!file) throw new UsageError('cache warm needs a file of JSON lines (one ChatRequest per line), or - for stdin.');
  let text: string;
  try {
    text =
      file === '-' ? readTextFile(0) : stripBom(readUserFile(file, 'warm file', FILE_LIMITS.warm).toString('utf8'));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const out: ChatRequest[] = [];
  splitLines(text).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('//')) return;
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (err) {
      throw new UsageError(`${file} line ${i + 1} is not JSON: ${(err as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || !Array.isArray((value as { messages?: unknown }).messages)) {
      throw new UsageError(`${file} line ${i + 1} is not a ChatRequest (it needs "messages").`);
    }
    out.push(value as ChatRequest);
  });
  return out;
}

function formatStats(s: CacheStatsResult): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
  const rejected =
    Object.entries(s.semantic.rejected)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  return [
    `Cache ${s.enabled ? 'on' : 'off'} (since ${new Date(s.since).toISOString()})`,
    `  entries     ${s.entries} of ${s.maxEntries}, ${mb(s.bytes)} of ${mb(s.maxBytes)}`,
    `  hits        exact ${s.hits.exact}, semantic ${s.hits.semantic}, stale ${s.hits.stale}`,
    `  misses      ${s.misses}`,
    `  hit rate    ${pct(s.hitRate)}`,
    `  cost saved  $${s.costSavedUsd.toFixed(4)}`,
    `  coalesced   ${s.coalesced}`,
    `  semantic    ${s.semantic.enabled ? `on, ${s.semantic.embedder}, ${s.semantic.indexed} indexed; guards rejected: ${rejected}` : 'off'}`,
    ...(s.semantic.threshold !== undefined ? [`  threshold   ${s.semantic.threshold}`] : []),
    ...(s.semantic.qualityNote ? [`  quality     ${s.semantic.qualityNote}`] : []),
    ...(s.semantic.providerAvailable?.length
      ? [
          `  offer       ${s.semantic.providerAvailable.join(' and ')} embeddings can be used (a key is set): set cache.semantic.embedder to "provider"; each call is billed and recorded as feature embedding, and their recall on the labelled pairs needs a live run (npm run test:live)`,
        ]
      : []),
    '',
  ].join('\n');
}
