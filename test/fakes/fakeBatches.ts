import { randomBytes } from 'node:crypto';
import { documentedRefusal } from './requestRules';
import type { ScriptedError, ScriptedResponse, WireProvider } from './script';
import { applyStopSequences, stopSequencesOf } from './stopRules';

/**
 * Where a fake batch is in its life. `ended` covers Anthropic "ended", OpenAI "completed", Gemini
 * SUCCEEDED. `canceling` is the moment between a client's cancel and the provider ending the batch.
 */
export type FakeBatchPhase = 'in_progress' | 'canceling' | 'ended' | 'expired' | 'canceled' | 'failed';

export interface FakeBatchRequest {
  customId: string;
  model: string;
  /** The request body exactly as the provider's batch carried it (Anthropic params, OpenAI body, Gemini request). */
  body: unknown;
  /** The last user message's text, which the fake's answer echoes so tests can match results to requests. */
  prompt: string;
}

export interface FakeBatch {
  provider: WireProvider;
  id: string;
  model: string;
  createdAt: number;
  endedAt: number | null;
  requests: FakeBatchRequest[];
  phase: FakeBatchPhase;
  /** For expired and cancelled batches: the requests that ran before the end. */
  processed: ReadonlySet<string>;
  failure: string | null;
  statusPolls: number;
  /** When a client asked to cancel it (the cancel endpoint), else null. */
  cancelRequestedAt: number | null;
}

export interface FakeBatchItemError {
  status: number;
  error?: ScriptedError;
}

/**
 * The batch side of the fake provider server, shared by the three providers' batch routes.
 * A batch stays in progress until a test ends it (`end`, `expire`, `cancel`, `fail`), or on its
 * own after `endAfterPolls` status polls or `endAfterMs`. A client's cancel (`requestCancel`, from
 * the cancel endpoints) puts it in `canceling`; the next status poll ends it as cancelled, with
 * results for the requests `runSome` marked as finished. `failRequest` makes chosen requests
 * error inside an otherwise successful batch; `answer` scripts one request's answer (tool calls,
 * text) as a live script would; `holdStatus` keeps status replies waiting, so a test can kill the
 * client while a poll is in flight. Each request is answered by the live endpoint's rules: the
 * 400 its documented rules give, and its stop sequences applied to the answer.
 */
export class FakeBatches {
  readonly batches = new Map<string, FakeBatch>();
  /** Uploaded OpenAI files (inputs and outputs), by id. */
  readonly files = new Map<string, { purpose: string; filename: string; content: string }>();
  endAfterPolls: number | null = null;
  endAfterMs: number | null = null;
  /**
   * Whether Gemini's inlined responses carry each request's metadata back. The API reference
   * says they do; users report they come back without it (in request order), so by default the
   * fake leaves it out and clients must rely on the order.
   */
  geminiEchoesMetadata = false;
  /** Token counts every successful answer reports. */
  usage = { input: 1000, output: 200 };
  readonly #errors = new Map<string, FakeBatchItemError>();
  readonly #answers = new Map<string, ScriptedResponse>();
  #held: { release: () => void; promise: Promise<void> } | null = null;
  /** Status polls answered so far, and the ones waiting on `holdStatus`. */
  statusCalls = 0;
  heldStatus = 0;

  failRequest(customId: string, status = 400, error?: ScriptedError): void {
    this.#errors.set(customId, { status, ...(error ? { error } : {}) });
  }

  /** The answer one request gets instead of the echo of its prompt; usage stays the batch's unless given. */
  answer(customId: string, script: ScriptedResponse): void {
    this.#answers.set(customId, script);
  }

  errorFor(customId: string): FakeBatchItemError | undefined {
    return this.#errors.get(customId);
  }

  create(provider: WireProvider, model: string, requests: FakeBatchRequest[], id = newBatchId(provider)): FakeBatch {
    const batch: FakeBatch = {
      provider,
      id,
      model,
      createdAt: Date.now(),
      endedAt: null,
      requests,
      phase: 'in_progress',
      processed: new Set(),
      failure: null,
      statusPolls: 0,
      cancelRequestedAt: null,
    };
    this.batches.set(id, batch);
    return batch;
  }

  list(provider?: WireProvider): FakeBatch[] {
    return [...this.batches.values()].filter((b) => provider === undefined || b.provider === provider);
  }

  /** The only batch of a provider (tests submit one at a time). */
  only(provider: WireProvider): FakeBatch {
    const list = this.list(provider);
    if (list.length !== 1) throw new Error(`expected one ${provider} batch on the fake, found ${list.length}`);
    return list[0]!;
  }

  end(id: string): void {
    this.#finish(id, 'ended');
  }

  /** Expires the batch; only `processed` requests have results. */
  expire(id: string, processed: readonly string[] = []): void {
    this.#finish(id, 'expired', processed);
  }

  cancel(id: string, processed: readonly string[] = []): void {
    this.#finish(id, 'canceled', processed);
  }

  /** Marks requests as finished while the batch runs, so a cancel or expiry keeps their results. */
  runSome(id: string, customIds: readonly string[]): void {
    const batch = this.#get(id);
    batch.processed = new Set([...batch.processed, ...customIds]);
  }

  /** The provider side of a cancel: only a running batch can be cancelled; returns false otherwise. */
  requestCancel(id: string): boolean {
    const batch = this.#get(id);
    if (batch.phase !== 'in_progress') return false;
    batch.phase = 'canceling';
    batch.cancelRequestedAt = Date.now();
    return true;
  }

  fail(id: string, message: string): void {
    this.#finish(id, 'failed');
    this.#get(id).failure = message;
  }

  /** Called by the routes on every status request: counts it and applies the time or poll rule. */
  async onStatus(id: string): Promise<FakeBatch | undefined> {
    const batch = this.batches.get(id);
    if (!batch) return undefined;
    if (this.#held) {
      this.heldStatus++;
      try {
        await this.#held.promise;
      } finally {
        this.heldStatus--;
      }
    }
    this.statusCalls++;
    batch.statusPolls++;
    if (batch.phase === 'canceling') this.cancel(id, [...batch.processed]);
    if (batch.phase === 'in_progress') {
      const byPolls = this.endAfterPolls !== null && batch.statusPolls >= this.endAfterPolls;
      const byTime = this.endAfterMs !== null && Date.now() - batch.createdAt >= this.endAfterMs;
      if (byPolls || byTime) this.end(id);
    }
    return batch;
  }

  holdStatus(): void {
    if (this.#held) return;
    let release!: () => void;
    const promise = new Promise<void>((r) => {
      release = r;
    });
    this.#held = { release, promise };
  }

  releaseStatus(): void {
    this.#held?.release();
    this.#held = null;
  }

  /**
   * The answer the fake gives one request (a script for the provider's wire module), or its
   * error; undefined when it never ran.
   */
  outcome(
    batch: FakeBatch,
    request: FakeBatchRequest,
  ): { ok: true; script: ScriptedResponse } | { ok: false; error: FakeBatchItemError } | undefined {
    const ran = batch.phase === 'ended' || batch.processed.has(request.customId);
    if (!ran || batch.phase === 'failed') return undefined;
    const error = this.#errors.get(request.customId);
    if (error) return { ok: false, error };
    // What the live endpoint reads: Gemini's batch item wraps it in `request`.
    const live =
      batch.provider === 'gemini' ? (request.body as { request?: unknown } | undefined)?.request : request.body;
    const refusal = documentedRefusal(batch.provider, request.model, live);
    if (refusal)
      return {
        ok: false,
        error: { status: refusal.status ?? 400, ...(refusal.error ? { error: refusal.error } : {}) },
      };
    const scripted = this.#answers.get(request.customId);
    const script = scripted
      ? { ...scripted, usage: scripted.usage ?? this.usage }
      : { text: `Answer to: ${request.prompt}`, usage: this.usage };
    return { ok: true, script: applyStopSequences(batch.provider, script, stopSequencesOf(batch.provider, live)) };
  }

  reset(): void {
    this.releaseStatus();
    this.batches.clear();
    this.files.clear();
    this.#errors.clear();
    this.#answers.clear();
    this.endAfterPolls = null;
    this.endAfterMs = null;
    this.usage = { input: 1000, output: 200 };
    this.geminiEchoesMetadata = false;
    this.statusCalls = 0;
  }

  #finish(id: string, phase: FakeBatchPhase, processed: readonly string[] = []): void {
    const batch = this.#get(id);
    batch.phase = phase;
    batch.processed = new Set(processed);
    batch.endedAt = Date.now();
  }

  #get(id: string): FakeBatch {
    const batch = this.batches.get(id);
    if (!batch) throw new Error(`no fake batch ${id}`);
    return batch;
  }
}

function newBatchId(provider: WireProvider): string {
  const hex = randomBytes(10).toString('hex');
  return provider === 'anthropic' ? `msgbatch_fake${hex}` : provider === 'openai' ? `batch_fake${hex}` : `fake${hex}`;
}

export function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as { role?: unknown; content?: unknown; parts?: unknown };
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.parts))
      return m.parts.map((p: { text?: unknown }) => (typeof p.text === 'string' ? p.text : '')).join('');
  }
  return '';
}
