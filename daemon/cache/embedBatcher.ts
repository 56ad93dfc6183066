import type { EmbedPriority, Embedder } from './embedder';

export interface EmbedBatchSettings {
  /** How long the first interactive request of a batch waits for others, in ms. */
  windowMs: number;
  /** The same for background work (warming, storing answers), which can wait longer. */
  backgroundWindowMs: number;
  /** Texts that make a batch full: it goes at once, without waiting out its window. */
  maxSize: number;
}

export interface EmbedBatcherStats {
  /** embed() calls made by callers. */
  requests: number;
  /** Texts they asked for. */
  texts: number;
  /** Calls made to the wrapped embedder (upstream calls, for a provider). */
  upstreamCalls: number;
  /** Texts sent upstream: fewer than `texts` when callers in a batch asked for the same text. */
  upstreamTexts: number;
  /** Upstream calls aborted because every caller in them had gone. */
  abandoned: number;
}

interface Caller {
  readonly texts: readonly string[];
  readonly results: Float32Array[];
  remaining: number;
  done: boolean;
  readonly inFlight: Set<Batch>;
  resolve(vectors: Float32Array[]): void;
  reject(err: unknown): void;
  /** Unhooks the caller's abort listener. */
  release(): void;
}

interface Item {
  caller: Caller;
  /** Position in the caller's texts. */
  index: number;
}

interface Batch {
  readonly ac: AbortController;
  /** Callers still waiting for this batch. */
  readonly waiting: Set<Caller>;
}

/**
 * Gathers embedding requests from concurrent lookups, stores and warming over a short window and
 * sends them as one call to the wrapped embedder: one HTTP request with an input array for a
 * provider, one batched inference run for the local model. Provider embeddings cost about the
 * same per call whether they carry one text or a hundred, so a hundred concurrent lookups cost
 * one round trip instead of a hundred.
 *
 * Each caller gets its vectors in the order it asked. An upstream error rejects every caller in
 * that batch. A caller whose signal aborts is rejected at once and left out of the result; when
 * every caller of a batch in flight has gone, the upstream call itself is aborted.
 */
export class EmbedBatcher implements Embedder {
  readonly id: string;
  private readonly lanes: Record<EmbedPriority, Item[]> = { interactive: [], background: [] };
  private readonly timers: Partial<Record<EmbedPriority, NodeJS.Timeout>> = {};
  private readonly counts: EmbedBatcherStats = {
    requests: 0,
    texts: 0,
    upstreamCalls: 0,
    upstreamTexts: 0,
    abandoned: 0,
  };

  constructor(
    private readonly inner: Embedder,
    private readonly settings: () => EmbedBatchSettings,
  ) {
    // The same vectors as the wrapped embedder: entries embedded either way compare.
    this.id = inner.id;
  }

  get stats(): EmbedBatcherStats {
    return { ...this.counts };
  }

  /** Texts per upstream call: the settings' size, within what one call of the embedder takes. */
  get maxSize(): number {
    return Math.max(1, Math.min(this.settings().maxSize, this.inner.maxBatch ?? Infinity));
  }

  embed(
    texts: readonly string[],
    signal?: AbortSignal,
    priority: EmbedPriority = 'interactive',
  ): Promise<Float32Array[]> {
    if (texts.length === 0) return Promise.resolve([]);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    this.counts.requests++;
    this.counts.texts += texts.length;
    return new Promise<Float32Array[]>((resolve, reject) => {
      const onAbort = (): void => this.drop(caller, abortReason(signal!));
      const caller: Caller = {
        texts,
        results: new Array<Float32Array>(texts.length),
        remaining: texts.length,
        done: false,
        inFlight: new Set(),
        resolve,
        reject,
        release: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const lane = this.lanes[priority];
      texts.forEach((_, index) => lane.push({ caller, index }));
      this.flushFull();
      if (lane.length > 0 && !this.timers[priority]) {
        const s = this.settings();
        this.timers[priority] = setTimeout(
          () => this.windowOver(priority),
          priority === 'interactive' ? s.windowMs : s.backgroundWindowMs,
        );
      }
    });
  }

  /** Sends full batches while there are enough texts waiting, interactive ones first. */
  private flushFull(): void {
    const max = this.maxSize;
    while (this.lanes.interactive.length + this.lanes.background.length >= max) this.send(this.take(max));
    this.clearIdleTimers();
  }

  /** A lane's window is over: everything in it goes, with background texts filling spare room. */
  private windowOver(priority: EmbedPriority): void {
    delete this.timers[priority];
    const max = this.maxSize;
    while (this.lanes[priority].length > 0) this.send(this.take(max));
    this.clearIdleTimers();
  }

  private take(max: number): Item[] {
    const items = this.lanes.interactive.splice(0, max);
    if (items.length < max) items.push(...this.lanes.background.splice(0, max - items.length));
    return items;
  }

  private clearIdleTimers(): void {
    for (const p of ['interactive', 'background'] as const) {
      if (this.lanes[p].length === 0 && this.timers[p]) {
        clearTimeout(this.timers[p]);
        delete this.timers[p];
      }
    }
  }

  private send(items: Item[]): void {
    if (items.length === 0) return;
    // The same text asked by several callers goes up once.
    const unique = new Map<string, number>();
    for (const { caller, index } of items) {
      const text = caller.texts[index]!;
      if (!unique.has(text)) unique.set(text, unique.size);
    }
    const batch: Batch = { ac: new AbortController(), waiting: new Set(items.map((i) => i.caller)) };
    for (const c of batch.waiting) c.inFlight.add(batch);
    this.counts.upstreamCalls++;
    this.counts.upstreamTexts += unique.size;
    const texts = [...unique.keys()];
    let call: Promise<Float32Array[]>;
    try {
      call = this.inner.embed(texts, batch.ac.signal);
    } catch (err) {
      call = Promise.reject(err);
    }
    call
      .then((vectors) => {
        if (vectors.length !== texts.length)
          throw new Error(`the embedder returned ${vectors.length} vectors for ${texts.length} texts`);
        const used = new Set<number>();
        for (const { caller, index } of items) {
          const at = unique.get(caller.texts[index]!)!;
          // A vector shared by two callers is copied, so neither can change the other's.
          const v = used.has(at) ? vectors[at]!.slice() : vectors[at]!;
          used.add(at);
          this.put(caller, index, v);
        }
      })
      .catch((err: unknown) => {
        for (const c of [...batch.waiting]) this.fail(c, err);
      })
      .finally(() => {
        for (const c of batch.waiting) c.inFlight.delete(batch);
      });
  }

  private put(caller: Caller, index: number, vector: Float32Array): void {
    if (caller.done) return;
    caller.results[index] = vector;
    if (--caller.remaining > 0) return;
    caller.done = true;
    caller.release();
    caller.resolve(caller.results);
  }

  /** Rejects a caller and leaves its other batches; a batch nobody waits for any more is aborted. */
  private fail(caller: Caller, err: unknown): void {
    if (caller.done) return;
    caller.done = true;
    caller.release();
    for (const batch of caller.inFlight) {
      batch.waiting.delete(caller);
      if (batch.waiting.size === 0 && !batch.ac.signal.aborted) {
        this.counts.abandoned++;
        batch.ac.abort(err);
      }
    }
    caller.inFlight.clear();
    caller.reject(err);
  }

  /** A cancelled caller: out of the queues, then out of its batches. */
  private drop(caller: Caller, reason: unknown): void {
    if (caller.done) return;
    for (const p of ['interactive', 'background'] as const) {
      const lane = this.lanes[p];
      for (let i = lane.length - 1; i >= 0; i--) if (lane[i]!.caller === caller) lane.splice(i, 1);
    }
    this.clearIdleTimers();
    this.fail(caller, reason);
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('the embedding request was cancelled');
}

/**
 * The embedder the cache should use: batched when one call for many texts is cheaper than many
 * calls (provider and local embedders say so with `maxBatch`); lexical embeddings cost
 * microseconds each, so a window would only add latency to them.
 */
export function withBatching(embedder: Embedder, settings: () => EmbedBatchSettings & { enabled: boolean }): Embedder {
  if (embedder.maxBatch === undefined || !settings().enabled) return embedder;
  return new EmbedBatcher(embedder, settings);
}
