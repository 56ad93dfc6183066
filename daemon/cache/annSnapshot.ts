import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CacheEntry } from './cacheEntry';
import { sha256File } from './localEmbedder';
import type { AdaptiveIndex } from './adaptiveIndex';
import { AnnPartition, HNSW, type HnswParams, type UsearchModule } from './usearchIndex';
import { nodeCrypto } from '../platform/nodeCrypto';

/** The folder under CONDUIT_HOME that holds the saved usearch graphs. */
export const ANN_DIR = 'cache-ann';
const MANIFEST = 'manifest.json';
/** Bumped when the manifest or the way graphs are built changes: older files are then rebuilt. */
const VERSION = 1;

interface SavedScope {
  scope: string;
  file: string;
  sha256: string;
  bytes: number;
  dims: number;
  /** usearch id → cache key. */
  ids: [number, string][];
}

interface Manifest {
  version: number;
  embedder: string;
  hnsw: HnswParams;
  scopes: SavedScope[];
}

export interface AnnRestore {
  /** Entries whose graph came from disk. */
  entries: number;
  scopes: number;
  /** Why a saved graph was not used (then its scope was rebuilt from the store), one per problem. */
  problems: string[];
  /** Keys now indexed from the saved graphs: the caller adds only the others. */
  keys: Set<string>;
}

function writeAtomic(file: string, write: (tmp: string) => void): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    write(tmp);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function graphFile(scope: string): string {
  return `${nodeCrypto().createHash('sha256').update(scope).digest('hex').slice(0, 16)}.usearch`;
}

/**
 * Saves the index's usearch graphs, so the next start loads them instead of rebuilding (a graph
 * of 100k vectors takes minutes to build on a small machine). Each file is written to a
 * temporary name and renamed, the manifest last; the manifest names each graph's sha256, so a
 * graph from a save that never finished is caught at load.
 */
export async function saveAnnSnapshot(
  home: string,
  embedderId: string,
  index: AdaptiveIndex,
): Promise<{ scopes: number; entries: number }> {
  const dir = path.join(home, ANN_DIR);
  const parts = index.annPartitions();
  if (parts.length === 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { scopes: 0, entries: 0 };
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const scopes: SavedScope[] = [];
  for (const [scope, part] of parts) {
    const file = graphFile(scope);
    writeAtomic(path.join(dir, file), (tmp) => part.save(tmp));
    const full = path.join(dir, file);
    scopes.push({
      scope,
      file,
      sha256: await sha256File(full),
      bytes: fs.statSync(full).size,
      dims: part.dims,
      ids: part.idList(),
    });
  }
  const manifest: Manifest = { version: VERSION, embedder: embedderId, hnsw: { ...HNSW }, scopes };
  writeAtomic(path.join(dir, MANIFEST), (tmp) => fs.writeFileSync(tmp, JSON.stringify(manifest), { mode: 0o600 }));
  const kept = new Set(scopes.map((s) => s.file).concat(MANIFEST));
  for (const f of fs.readdirSync(dir)) if (!kept.has(f)) fs.rmSync(path.join(dir, f), { force: true });
  return { scopes: scopes.length, entries: scopes.reduce((n, s) => n + s.ids.length, 0) };
}

/** Whether anything of a snapshot is in `home` (a cheap check: it loads nothing). */
export function hasAnnSnapshot(home: string): boolean {
  return fs.existsSync(path.join(home, ANN_DIR));
}

/**
 * Loads the saved graphs that still match the cache store: the same manifest version, embedder
 * and HNSW settings, and per scope exactly the keys the store holds with vectors from this
 * embedder, in a file whose sha256 matches. Anything else is reported in `problems` and left for
 * the caller to rebuild from the store.
 */
export async function restoreAnnSnapshot(
  home: string,
  embedderId: string,
  usearch: UsearchModule,
  index: AdaptiveIndex,
  entries: readonly CacheEntry[],
): Promise<AnnRestore> {
  const out: AnnRestore = { entries: 0, scopes: 0, problems: [], keys: new Set() };
  const dir = path.join(home, ANN_DIR);
  const manifestFile = path.join(dir, MANIFEST);
  if (!fs.existsSync(manifestFile)) return out;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
    if (!Array.isArray(manifest.scopes)) throw new Error('no scopes');
  } catch (err) {
    out.problems.push(`the saved index's manifest is unreadable (${err instanceof Error ? err.message : String(err)})`);
    return out;
  }
  if (manifest.version !== VERSION)
    return { ...out, problems: [`the saved index has format ${manifest.version}, this version reads ${VERSION}`] };
  if (manifest.embedder !== embedderId)
    return {
      ...out,
      problems: [`the saved index was built from ${manifest.embedder} vectors, the cache now uses ${embedderId}`],
    };
  if (JSON.stringify(manifest.hnsw) !== JSON.stringify(HNSW))
    return { ...out, problems: ['the saved index was built with other HNSW settings'] };

  const byScope = new Map<string, Map<string, Float32Array>>();
  for (const e of entries) {
    if (!e.vector || e.embedder !== embedderId) continue;
    let m = byScope.get(e.scope);
    if (!m) byScope.set(e.scope, (m = new Map<string, Float32Array>()));
    m.set(e.key, e.vector);
  }
  for (const saved of manifest.scopes) {
    const label = `scope ${saved.scope.slice(0, 12)}`;
    const stored = byScope.get(saved.scope) ?? new Map<string, Float32Array>();
    if (stored.size !== saved.ids.length) {
      out.problems.push(`${label}: the store holds ${stored.size} entries, the saved graph ${saved.ids.length}`);
      continue;
    }
    if (!saved.ids.every(([, key]) => stored.has(key))) {
      out.problems.push(`${label}: the saved graph's keys are not the store's`);
      continue;
    }
    if (stored.size < index.annThreshold / 2) continue;
    const file = path.join(dir, path.basename(saved.file));
    try {
      // usearch aborts the whole process on some damaged files, so nothing unchecked reaches it.
      if (fs.statSync(file).size !== saved.bytes || (await sha256File(file)) !== saved.sha256)
        throw new Error('its checksum does not match (damaged or half-written)');
      const part = AnnPartition.fromFile(usearch, saved.dims, HNSW, file, saved.ids, (k) => stored.get(k));
      index.adopt(saved.scope, part);
      out.scopes++;
      out.entries += part.size;
      for (const [, key] of saved.ids) out.keys.add(key);
    } catch (err) {
      out.problems.push(
        `${label}: the saved graph cannot be used: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  return out;
}
