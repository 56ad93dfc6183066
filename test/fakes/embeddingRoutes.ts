import type { IncomingMessage, ServerResponse } from 'node:http';
import { geminiWire } from './geminiWire';
import { openaiWire } from './openaiWire';
import type { ScriptedError } from './script';
import { isRecord } from './wireFormat';

/** One embeddings request the fake received. */
export interface EmbeddingCall {
  provider: 'openai' | 'gemini';
  model: string;
  inputs: string[];
  /** The vector length asked for (OpenAI's `dimensions`, Gemini's `outputDimensionality`), if any. */
  dimensions?: number;
  /** Set once the answer went out, or the client hung up first. */
  outcome?: 'finished' | 'aborted';
}

/** A made-up but stable vector for a text, so a test can tell which text a vector belongs to. */
export function fakeEmbedding(text: string, dims = 16): number[] {
  const out: number[] = [];
  for (let j = 0; j < dims; j++) {
    let h = 0x811c9dc5 ^ j;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    out.push(((h >>> 0) % 2001) / 1000 - 1);
  }
  return out;
}

const openaiPath = /^(?:.*?)\/v1\/embeddings$/;
const geminiPath = /^(?:.*?)\/v1beta\/models\/([^/:]+):batchEmbedContents$/;

/**
 * The embedding endpoints: OpenAI's POST /v1/embeddings (an input array) and Gemini's
 * POST /v1beta/models/{model}:batchEmbedContents. Each call is recorded, so a test can count
 * upstream calls; `latency` acts out a provider's time per call and per input; `failNext`
 * answers the next calls with the provider's error body.
 */
export class FakeEmbeddings {
  readonly calls: EmbeddingCall[] = [];
  latency = { perCallMs: 0, perInputMs: 0 };
  dims = 16;
  private readonly failures: { status: number; error?: ScriptedError; headers?: Record<string, string> }[] = [];
  private readonly waiters: { n: number; resolve: () => void }[] = [];
  /** While set, every call waits for it before it answers (a test releases it when its callers are in). */
  holdUntil: Promise<unknown> | undefined;

  /** `headers` go on the error response too (retry-after, rate-limit headers). */
  failNext(status: number, error?: ScriptedError, headers?: Record<string, string>): void {
    this.failures.push({ status, ...(error ? { error } : {}), ...(headers ? { headers } : {}) });
  }

  reset(): void {
    this.calls.length = 0;
    this.failures.length = 0;
    this.latency = { perCallMs: 0, perInputMs: 0 };
    this.holdUntil = undefined;
  }

  /** Resolves once `n` calls have arrived. */
  waitForCalls(n: number): Promise<void> {
    if (this.calls.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  /** Answers and returns true when the request is for an embeddings endpoint. */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    body: unknown,
    rejected: ReadonlySet<string>,
  ): Promise<boolean> {
    if (req.method !== 'POST') return false;
    const gemini = geminiPath.exec(url.pathname);
    if (!gemini && !openaiPath.test(url.pathname)) return false;
    const provider = gemini ? 'gemini' : 'openai';
    const wire = gemini ? geminiWire : openaiWire;
    const inputs = gemini ? geminiInputs(body) : openaiInputs(body);
    const call: EmbeddingCall = {
      provider,
      model: gemini
        ? decodeURIComponent(gemini[1]!)
        : isRecord(body) && typeof body.model === 'string'
          ? body.model
          : '',
      inputs,
    };
    const asked = gemini ? geminiDimensions(body) : isRecord(body) ? body.dimensions : undefined;
    if (typeof asked === 'number') call.dimensions = asked;
    const dims = call.dimensions ?? this.dims;
    this.calls.push(call);
    for (const w of this.waiters.filter((x) => this.calls.length >= x.n)) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
    res.on('close', () => {
      call.outcome = res.writableFinished ? 'finished' : 'aborted';
    });
    const key = wire.apiKey(req.headers, url.searchParams);
    const failure: { status: number; error?: ScriptedError; headers?: Record<string, string> } | undefined =
      !key || rejected.has(key) ? { status: 401, error: { message: 'invalid api key' } } : this.failures.shift();
    const delay = this.latency.perCallMs + this.latency.perInputMs * inputs.length;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (this.holdUntil) await this.holdUntil;
    if (res.destroyed) return true;
    const headers = { ...wire.baseHeaders('req_fake_embeddings'), 'content-type': 'application/json' };
    if (failure) {
      res.writeHead(failure.status, { ...headers, ...failure.headers });
      res.end(JSON.stringify(wire.errorBody(failure.status, failure.error, 'req_fake_embeddings')));
      return true;
    }
    res.writeHead(200, headers);
    res.end(
      JSON.stringify(
        gemini
          ? { embeddings: inputs.map((t) => ({ values: fakeEmbedding(t, dims) })) }
          : {
              object: 'list',
              model: call.model,
              data: inputs.map((t, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(t, dims) })),
              usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
            },
      ),
    );
    return true;
  }
}

function openaiInputs(body: unknown): string[] {
  const input = isRecord(body) ? body.input : undefined;
  return Array.isArray(input) ? input.map(String) : typeof input === 'string' ? [input] : [];
}

/** batchEmbedContents: {requests: [{model, content: {parts: [{text}]}}]}. */
function geminiInputs(body: unknown): string[] {
  const requests = isRecord(body) && Array.isArray(body.requests) ? body.requests : [];
  return requests.map((r: unknown) => {
    const parts = isRecord(r) && isRecord(r.content) && Array.isArray(r.content.parts) ? r.content.parts : [];
    return parts.map((p: unknown) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('');
  });
}

function geminiDimensions(body: unknown): unknown {
  const first = isRecord(body) && Array.isArray(body.requests) ? (body.requests[0] as unknown) : undefined;
  return isRecord(first) ? first.outputDimensionality : undefined;
}
