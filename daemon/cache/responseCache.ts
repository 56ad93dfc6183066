import type { CacheStatsResult, ChatRequest } from '../../protocol';
import { restoreAnnLogged, saveAnnLogged } from './annPersistence';
import { hasAnnSnapshot, type AnnRestore } from './annSnapshot';
import type { AnswerToStore, CacheEntry } from './cacheEntry';
import { exactKey, semanticScope, semanticText, type CanonicalRequest } from './cacheKey';
import { cacheQuality } from './cacheQuality';
import { thresholdFor, ttlFor, type CacheSettings } from './cacheSettings';
import type { CacheLog, CacheStore } from './cacheStore';
import { EmbedBatcher, withBatching } from './embedBatcher';
import type { EmbedPriority, Embedder } from './embedder';
import type { SharedCacheTier } from './sharedTier';
import { ExactCache } from './exactCache';
import { SemanticIndex } from './semanticIndex';
import { AdaptiveIndex } from './adaptiveIndex';

export interface CacheHit {
  kind: 'exact' | 'semantic';
  entry: CacheEntry;
  /** For semantic hits. */
  similarity?: number;
}

export type { AnswerToStore } from './cacheEntry';

export interface ResponseCacheOptions {
  /** Read at each call, so thresholds, TTLs and switches follow config.json; the bounds are fixed at start. */
  settings: () => CacheSettings;
  store?: CacheStore;
  embedder?: Embedder;
  log?: CacheLog;
  now?: () => number;
  /** The providers with a key whose embeddings `cache stats` can offer. */
  providersWithKeys?: () => ('openai' | 'gemini')[];
}

/**
 * The response cache: exact (LRU + TTL, persisted) and semantic (vectors, guards), plus the
 * counters `conduit cache stats` shows. It knows nothing of providers or the pipeline; the gateway
 * decides what may be looked up and what may be stored.
 */
export class ResponseCache {
  private readonly exact: ExactCache;
  private semantic: SemanticIndex | undefined;
  private readonly now: () => number;
  private readonly since: number;
  private readonly counts = { exact: 0, semantic: 0, stale: 0, misses: 0, coalesced: 0, savedUsd: 0 };
  private persisted: CacheStore | undefined;
  /** Entries being embedded; stored once their vector is known. */
  private readonly adding = new Set<Promise<void>>();
  private shared: SharedCacheTier | undefined;
  /** Entries from the shared tier: near-cache copies, never written to cache.db (they may lack the prompt). */
  private readonly adopted = new WeakSet<CacheEntry>();
  /** Where the usearch graphs are saved at close and loaded at start (CONDUIT_HOME); unset: never saved. */
  private annHome: string | undefined;
  private annRestored: Omit<AnnRestore, 'keys'> | undefined;

  constructor(private readonly opts: ResponseCacheOptions) {
    this.now = opts.now ?? Date.now;
    if (opts.providersWithKeys) this.providersWithKeys = opts.providersWithKeys;
    this.since = this.now();
    this.persisted = opts.store;
    const s = opts.settings();
    this.exact = new ExactCache({
      maxEntries: s.maxEntries,
      maxBytes: s.maxBytes,
      staleMaxAgeMs: s.staleMaxAgeMs,
      now: this.now,
      onEvict: (e) => {
        this.semantic?.remove(e.key);
        this.persisted?.delete(e.key);
      },
    });
    if (opts.embedder) this.semantic = this.semanticIndex(opts.embedder);
  }

  /** The semantic index's vectors, when it holds them in an AdaptiveIndex (always, outside tests). */
  private get adaptive(): AdaptiveIndex | undefined {
    const index = this.semantic?.index;
    return index instanceof AdaptiveIndex ? index : undefined;
  }

  /** Brute force per scope, usearch for a scope past `annThreshold` (fixed at start). */
  private semanticIndex(embedder: Embedder): SemanticIndex {
    const index = new AdaptiveIndex({
      annThreshold: this.opts.settings().semantic.annThreshold,
      onChange: (kind, scope, entries) =>
        this.opts.log?.(
          'info',
          `semantic cache: a scope moved to ${kind === 'ann' ? 'the usearch ANN index' : 'brute force'}`,
          { entries, scope: scope.slice(0, 12) },
        ),
    });
    return new SemanticIndex(embedder, index);
  }

  /**
   * Attaches cache.db (opened once this daemon owns the socket) and loads what it holds, most
   * recently used last so the LRU order survives.
   */
  async attach(store: CacheStore, opts: { annHome?: string } = {}): Promise<number> {
    // Answers stored while cache.db was still opening (the daemon serves before it is): written
    // now, or they would live in memory only and be gone after the next restart. One still being
    // embedded is written again, with its vector, when that ends.
    const early = [...this.exact.values()];
    this.persisted = store;
    this.annHome = opts.annHome;
    for (const e of early) if (this.exact.peek(e.key) === e) store.put(e);
    return this.load();
  }

  async load(): Promise<number> {
    if (!this.persisted) return 0;
    const s = this.opts.settings();
    const entries = await this.persisted.load(this.now(), s.staleMaxAgeMs, s.maxEntries);
    // What is in memory already was answered since this start: newer than any row on disk.
    for (const e of entries) if (!this.exact.peek(e.key)) this.exact.set(e);
    const alive = (e: CacheEntry) => this.exact.peek(e.key) === e;
    const restored = await this.restoreAnn(entries);
    for (const e of entries) if (restored.has(e.key) && !alive(e)) this.adaptive?.remove(e.key);
    await this.semantic?.addAll(restored.size > 0 ? entries.filter((e) => !restored.has(e.key)) : entries, alive);
    return entries.length;
  }

  /**
   * Switches the embedder (e.g. once the local model has loaded); entries are embedded again.
   * Provider and local embedders go behind a batcher, so concurrent lookups, stores and warming
   * share calls; its window and size follow the settings as they change.
   */
  async useEmbedder(embedder: Embedder): Promise<void> {
    const index = this.semanticIndex(withBatching(embedder, () => this.opts.settings().semantic.batch));
    await index.addAll([...this.exact.values()].reverse(), (e) => this.exact.peek(e.key) === e);
    this.semantic = index;
  }

  /** Team mode: the shared tier behind the local LRU; undefined again turns it off. */
  useSharedTier(tier: SharedCacheTier | undefined): void {
    this.shared = tier;
  }

  /**
   * An entry another daemon stored: kept in the local LRU as a near-cache copy and, when it
   * carries its prompt, indexed for semantic lookups (with its vector when the embedders match).
   */
  async adopt(entry: CacheEntry): Promise<boolean> {
    if (entry.expiresAt <= this.now() || this.exact.peek(entry.key)) return false;
    this.adopted.add(entry);
    if (!this.exact.set(entry)) return false;
    const s = this.opts.settings();
    if (this.semantic && s.semantic.enabled && entry.prompt && !s.semantic.disabledFeatures.includes(entry.feature)) {
      await this.semantic.add(entry, () => this.exact.peek(entry.key) === entry).catch(() => undefined);
    }
    return true;
  }

  keyOf(req: CanonicalRequest): string {
    return exactKey(req);
  }

  /**
   * Exact, then (when the feature allows) semantic. Counts a miss when both find nothing, unless
   * told not to (warming). `strongerModels`: models of higher tiers the router could have chosen
   * for this request; their answers serve it too (never the other way round), so a paraphrase the
   * router scored one tier lower still finds the answer to its twin.
   */
  async lookup(
    req: CanonicalRequest,
    feature: string,
    signal?: AbortSignal,
    priority: EmbedPriority = 'interactive',
    countMiss = true,
    strongerModels: readonly string[] = [],
  ): Promise<CacheHit | undefined> {
    for (const r of [req, ...strongerModels.filter((m) => m !== req.model).map((model) => ({ ...req, model }))]) {
      const hit = await this.lookupIn(r, feature, signal, priority);
      if (hit) return hit;
    }
    if (countMiss) this.counts.misses++;
    return undefined;
  }

  private async lookupIn(
    req: CanonicalRequest,
    feature: string,
    signal: AbortSignal | undefined,
    priority: EmbedPriority,
  ): Promise<CacheHit | undefined> {
    const key = exactKey(req);
    const entry = this.exact.get(key);
    if (entry) return this.hit('exact', entry);
    const remote = this.shared ? await this.shared.get(key).catch(() => undefined) : undefined;
    if (remote && (await this.adopt(remote))) return this.hit('exact', remote);
    const s = this.opts.settings();
    const prompt = semanticText(req);
    if (this.semantic && s.semantic.enabled && prompt && !s.semantic.disabledFeatures.includes(feature)) {
      try {
        const match = await this.semantic.find(
          semanticScope(req),
          prompt,
          thresholdFor(s.semantic, feature, this.semantic.embedderId),
          (k) => this.exact.get(k),
          signal,
          priority,
        );
        if (match) return { ...this.hit('semantic', match.entry), similarity: match.similarity };
      } catch (err) {
        // An embedder that fails (a provider outage) costs a semantic miss, never the request.
        this.opts.log?.('warn', 'semantic cache lookup failed', {
          err: err instanceof Error ? err.message : String(err),
        });
      }
    }
    return undefined;
  }

  /**
   * Embeds the prompts these requests will look up, in one batched call ahead of them (warming
   * sends its requests one by one, which would otherwise cost one embedding call each).
   */
  async prime(requests: readonly { req: CanonicalRequest; feature: string }[]): Promise<void> {
    const s = this.opts.settings();
    if (!this.semantic || !s.semantic.enabled) return;
    const prompts = requests
      .filter((r) => !s.semantic.disabledFeatures.includes(r.feature))
      .map((r) => semanticText(r.req))
      .filter((p): p is string => !!p);
    await this.semantic.prime(prompts).catch((err: unknown) => {
      this.opts.log?.('warn', 'could not embed the prompts to warm ahead; each lookup embeds its own', {
        err: err instanceof Error ? err.message : String(err),
      });
    });
  }

  /** Whether a fresh exact entry exists; neither counts nor reorders. */
  has(req: CanonicalRequest): boolean {
    const e = this.exact.peek(exactKey(req));
    return e !== undefined && this.exact.classify(e) === 'fresh';
  }

  /** An entry for this exact request even if expired (within the stale window), for the stale fallback. */
  stale(req: CanonicalRequest): CacheEntry | undefined {
    const entry = this.exact.getStale(exactKey(req));
    if (!entry) return undefined;
    this.counts.stale++;
    this.counts.savedUsd += entry.costUsd ?? 0;
    return entry;
  }

  store(req: CanonicalRequest, request: ChatRequest, feature: string, answer: AnswerToStore): void {
    const s = this.opts.settings();
    const now = this.now();
    const entry: CacheEntry = {
      key: exactKey(req),
      scope: semanticScope(req),
      feature,
      request: { ...request, provider: req.provider, model: req.model, stream: false },
      prompt: semanticText(req) ?? '',
      ...answer,
      createdAt: now,
      expiresAt: now + ttlFor(s, feature),
      hits: 0,
    };
    if (!this.exact.set(entry)) return;
    const semantic = this.semantic;
    if (semantic && s.semantic.enabled && entry.prompt && !s.semantic.disabledFeatures.includes(feature)) {
      // Embedding is off the reply path; the store waits for the vector so it persists too. An
      // entry evicted while it was being embedded is neither indexed nor written.
      const alive = () => this.exact.peek(entry.key) === entry;
      const adding = semantic
        .add(entry, alive)
        .catch((err: unknown) => {
          this.opts.log?.('warn', 'could not embed a cached prompt', {
            err: err instanceof Error ? err.message : String(err),
          });
        })
        .finally(() => {
          if (!alive()) return;
          // Stored before it was embedded: its size grows by the vector, which the bound must see.
          const held = this.exact.resize(entry);
          if (held) {
            this.persisted?.put(held);
            this.shared?.put(held);
          }
        });
      // A clean stop waits for these, so an answer being embedded still reaches cache.db.
      this.adding.add(adding);
      void adding.finally(() => this.adding.delete(adding));
    } else {
      this.persisted?.put(entry);
      this.shared?.put(entry);
    }
  }

  noteCoalesced(): void {
    this.counts.coalesced++;
  }

  async clear(): Promise<number> {
    const removed = Math.max(this.exact.size, (await this.persisted?.count().catch(() => 0)) ?? 0);
    this.exact.clear();
    this.semantic?.clear();
    await this.persisted?.clear();
    return removed;
  }

  /** The most used requests whose entries are no longer fresh: what warming after a restart sends. */
  async warmCandidates(limit: number): Promise<ChatRequest[]> {
    const rows = (await this.persisted?.mostUsed(limit * 4)) ?? [];
    const out: ChatRequest[] = [];
    for (const r of rows) {
      const e = this.exact.peek(r.key);
      if (e && this.exact.classify(e) === 'fresh') continue;
      out.push(r.request);
      if (out.length >= limit) break;
    }
    return out;
  }

  stats(enabled: boolean): CacheStatsResult {
    const s = this.opts.settings();
    const answered = this.counts.exact + this.counts.semantic;
    const lookups = answered + this.counts.misses;
    return {
      enabled,
      entries: this.exact.size,
      bytes: this.exact.bytes,
      maxEntries: s.maxEntries,
      maxBytes: s.maxBytes,
      hits: { exact: this.counts.exact, semantic: this.counts.semantic, stale: this.counts.stale },
      misses: this.counts.misses,
      hitRate: lookups === 0 ? 0 : Math.round((answered / lookups) * 10_000) / 10_000,
      costSavedUsd: Math.round(this.counts.savedUsd * 1e6) / 1e6,
      coalesced: this.counts.coalesced,
      semantic: {
        enabled: s.semantic.enabled && this.semantic !== undefined,
        embedder: this.semantic?.embedderId ?? 'none',
        indexed: this.semantic?.size ?? 0,
        rejected: { ...(this.semantic?.rejected ?? {}) },
        ...cacheQuality(s, this.semantic?.embedderId, this.providersWithKeys?.() ?? []),
        ...(this.semantic?.embedder instanceof EmbedBatcher ? { batching: this.semantic.embedder.stats } : {}),
        ...(this.adaptive && this.semantic
          ? {
              ann: {
                ...annCounts(this.adaptive),
                loadedFromDisk: { scopes: this.annRestored?.scopes ?? 0, entries: this.annRestored?.entries ?? 0 },
                rebuildReasons: this.annRestored?.problems ?? [],
              },
            }
          : {}),
      },
      since: this.since,
    };
  }

  /** Set by openCache from the keys the daemon can read. */
  providersWithKeys?: () => ('openai' | 'gemini')[];

  /** Resolves once every entry stored so far is embedded (or given up on): a stop and tests wait for it. */
  async embedded(): Promise<void> {
    await Promise.allSettled([...this.adding]);
  }

  async close(): Promise<void> {
    await this.embedded();
    await this.saveAnn();
    await this.persisted?.close();
  }

  /** The usearch graphs saved at the last close, where they still match the store; the keys they hold. */
  private async restoreAnn(entries: readonly CacheEntry[]): Promise<Set<string>> {
    const semantic = this.semantic;
    const index = this.adaptive;
    // No saved graph: nothing to load, and usearch stays unloaded until a scope needs it.
    if (!this.annHome || !semantic || !index || !hasAnnSnapshot(this.annHome) || !index.usearch) return new Set();
    const r = await restoreAnnLogged(this.annHome, semantic.embedderId, index, entries, this.opts.log);
    this.annRestored = { entries: r.entries, scopes: r.scopes, problems: r.problems };
    return r.keys;
  }

  private async saveAnn(): Promise<void> {
    // usearch never loaded: no graph to save, and only an old snapshot (if any) to remove.
    if (!this.annHome || !this.semantic || !this.adaptive) return;
    if (!this.adaptive.usearchTried && !hasAnnSnapshot(this.annHome)) return;
    if (!this.adaptive.usearch) return;
    await saveAnnLogged(this.annHome, this.semantic.embedderId, this.adaptive, this.opts.log);
  }

  private hit(kind: 'exact' | 'semantic', entry: CacheEntry): CacheHit {
    this.counts[kind]++;
    this.counts.savedUsd += entry.costUsd ?? 0;
    entry.hits++;
    if (!this.adopted.has(entry)) this.persisted?.put(entry);
    return { kind, entry };
  }
}

function annCounts(index: AdaptiveIndex): { scopes: number; entries: number } {
  const d = index.describe();
  return { scopes: d.annScopes, entries: d.ann };
}
