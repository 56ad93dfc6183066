import { restoreAnnSnapshot, saveAnnSnapshot, type AnnRestore } from './annSnapshot';
import type { CacheEntry } from './cacheEntry';
import type { CacheLog } from './cacheStore';
import type { AdaptiveIndex } from './adaptiveIndex';

/**
 * The usearch graphs saved at the last close, loaded where they still match the store, with what
 * happened said in the log: a graph that could not be used is rebuilt, never trusted.
 */
export async function restoreAnnLogged(
  home: string,
  embedderId: string,
  index: AdaptiveIndex,
  entries: readonly CacheEntry[],
  log: CacheLog | undefined,
): Promise<AnnRestore> {
  const usearch = index.usearch;
  if (!usearch) return { entries: 0, scopes: 0, problems: [], keys: new Set() };
  const r = await restoreAnnSnapshot(home, embedderId, usearch, index, entries);
  if (r.scopes > 0)
    log?.('info', 'semantic cache: loaded the saved ANN index', { scopes: r.scopes, entries: r.entries });
  if (r.problems.length > 0)
    log?.('warn', 'semantic cache: a saved ANN index was not used; rebuilding it from the cache store', {
      problems: r.problems,
    });
  return r;
}

/** Saves the graphs at close, once the index is idle; a failure costs a rebuild at the next start. */
export async function saveAnnLogged(
  home: string,
  embedderId: string,
  index: AdaptiveIndex,
  log: CacheLog | undefined,
): Promise<void> {
  try {
    await index.idle();
    const saved = await saveAnnSnapshot(home, embedderId, index);
    if (saved.scopes > 0) log?.('info', 'semantic cache: saved the ANN index', saved);
  } catch (err) {
    log?.('warn', 'semantic cache: could not save the ANN index; the next start rebuilds it', {
      err: err instanceof Error ? err.message : String(err),
    });
  }
}
