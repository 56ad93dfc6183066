import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicWire } from './anthropicWire';
import { handleBatchRoute } from './batchRoutes';
import { azureWire } from './azureWire';
import { bedrockWire } from './bedrockWire';
import { handleGoogleToken, type GoogleTokenState } from './googleOAuth';
import { vertexAnthropicWire, vertexGeminiWire } from './vertexWires';
import { handleControl } from './control';
import { documentedRefusal } from './requestRules';
import { applyStopSequences, stopSequencesOf } from './stopRules';
import { FakeBatches } from './fakeBatches';
import { RateLimitEnforcer, type EnforcedLimits } from './rateLimitEnforcer';
import { ProviderBuckets, type BucketLimits } from './providerBucket';
import { FakeEmbeddings } from './embeddingRoutes';
import { handleExtraRoute } from './extraRoutes';
import { geminiWire } from './geminiWire';
import { openaiWire } from './openaiWire';
import { RecordedRequest, Recorder } from './recording';
import type { ResponsePlan } from './responder';
import { respond } from './responder';
import type { Route } from './routes';
import { matchRoute } from './routes';
import type { ScriptedResponse, WireProvider } from './script';
import { resolvedUsage, WireProviders } from './script';
import { splitSseBody } from './sse';
import type { WireFormat, WireRequest } from './wireFormat';
import { isRecord } from './wireFormat';

export { RecordedRequest } from './recording';
export type { EnforcedLimits, WindowLimit } from './rateLimitEnforcer';
export type { BucketLimits, BucketLimit } from './providerBucket';
export type { ScriptedResponse, StreamFault, ScriptedError, FakeUsage, WireProvider } from './script';

const wires: Record<WireProvider, WireFormat> = {
  anthropic: anthropicWire,
  openai: openaiWire,
  gemini: geminiWire,
  bedrock: bedrockWire,
  vertexAnthropic: vertexAnthropicWire,
  vertexGemini: vertexGeminiWire,
  azure: azureWire,
};

/** Gemini's JSON and its array-or-SSE streaming hold on Vertex AI too. */
const isGeminiFamily = (provider: WireProvider) => provider === 'gemini' || provider === 'vertexGemini';

export interface FakeProviderOptions {
  /** Serve the `/__fake/*` control endpoint, for scripting from another process (serve.ts). */
  control?: boolean;
}

function newRequestId(provider: WireProvider): string {
  const hex = randomBytes(12).toString('hex');
  return provider === 'anthropic' ? `req_011CFake${hex}` : provider === 'openai' ? `req_${hex}` : hex;
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return null;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A local HTTP server that speaks the Anthropic, OpenAI (and OpenAI-compatible) and Gemini wire
 * formats, answers from per-provider script queues, records every request, and notices when a
 * client hangs up early.
 *
 *   const fake = await FakeProviderServer.start();
 *   fake.enqueue('openai', { deltas: ['Hel', 'lo'], fault: { kind: 'hang', afterDeltas: 1 } });
 *   // point an SDK at fake.baseURL('openai') (or fake.baseURL('openai', '/compat')), then:
 *   const [req] = await fake.waitForRequests(1);
 *   await req.waitForAbort(1000);   // the client closed the socket
 *   await fake.stop();
 */
export class FakeProviderServer {
  readonly #server: Server;
  readonly #options: FakeProviderOptions;
  readonly #recorder = new Recorder();
  readonly #queues = new Map<WireProvider, ScriptedResponse[]>(WireProviders.map((p) => [p, []]));
  readonly #defaults = new Map<WireProvider, ScriptedResponse>();
  /** One per response in flight; aborting it ends hangs, pings and delays. */
  readonly #inFlight = new Set<AbortController>();
  #seq = 0;
  #stopping = false;
  /** Providers whose limits the fake enforces (see enforceLimits). */
  readonly #enforcers = new Map<WireProvider, RateLimitEnforcer>();
  /** Providers whose documented continuous buckets the fake emulates (see emulateBuckets). */
  readonly #buckets = new Map<WireProvider, ProviderBuckets>();
  /** Keys the fake answers with 401, on every route (see rejectKey). */
  readonly #rejected = new Set<string>();
  /** The three providers' batch endpoints: jobs, their phases, failures and held polls. */
  readonly batches = new FakeBatches();
  /** Words that make the moderation endpoint flag an input. */
  readonly moderationFlagWords: string[] = ['FLAG-ME'];
  /** Google's token exchange: what it issued, which the Vertex routes require. */
  readonly googleTokens: GoogleTokenState = { issued: new Set(), subjectTokens: [] };
  /** OpenAI's and Gemini's embedding endpoints: calls recorded, latency and failures scripted. */
  readonly embeddings = new FakeEmbeddings();

  private constructor(options: FakeProviderOptions) {
    this.#options = options;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(() => res.destroy());
    });
    // Longer than any test's pause between requests, so keep-alive sockets are really reused.
    this.#server.keepAliveTimeout = 30_000;
  }

  static async start(options: FakeProviderOptions = {}): Promise<FakeProviderServer> {
    const fake = new FakeProviderServer(options);
    await new Promise<void>((resolve, reject) => {
      fake.#server.once('error', reject);
      fake.#server.listen(0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * The base URL each SDK expects: OpenAI's and the Anthropic Vertex SDK's include `/v1`, the
   * others add their version (or, Bedrock and Azure, their paths) themselves.
   */
  baseURL(provider: WireProvider, prefix = ''): string {
    return provider === 'openai' || provider === 'vertexAnthropic' ? `${this.url}${prefix}/v1` : `${this.url}${prefix}`;
  }

  /** Google's token endpoint, for an external_account credentials file's token_url. */
  get googleTokenURL(): string {
    return `${this.url}/v1/token`;
  }

  /** Queues answers for the next requests to this provider, first in first out. */
  enqueue(provider: WireProvider, ...scripts: ScriptedResponse[]): void {
    this.#queues.get(provider)?.push(...scripts);
  }

  /** The answer when the provider's queue is empty (initially: a plain successful reply). */
  setDefault(provider: WireProvider, script: ScriptedResponse): void {
    this.#defaults.set(provider, script);
  }

  /** From now on, every request with this key gets the provider's 401 (a revoked key). */
  rejectKey(key: string): void {
    this.#rejected.add(key);
  }

  /**
   * From now on, answer this provider's requests over `limits` (sliding windows) with its real
   * 429 and a retry-after, as a provider enforcing its rate limits does; null stops enforcing.
   * The enforcer it returns records what was let through and what was refused.
   */
  enforceLimits(provider: WireProvider, limits: EnforcedLimits | null): RateLimitEnforcer | undefined {
    if (!limits) {
      this.#enforcers.delete(provider);
      return undefined;
    }
    const enforcer = new RateLimitEnforcer(limits);
    this.#enforcers.set(provider, enforcer);
    return enforcer;
  }

  /**
   * From now on, keep this provider's rate limits as it documents them: continuously refilled
   * buckets, reported in its own headers on every answer, and a 429 with `retry-after` for a
   * request that does not fit; null stops. Returns the buckets, which record what they let through.
   */
  emulateBuckets(provider: WireProvider, limits: BucketLimits | null): ProviderBuckets | undefined {
    if (!limits) {
      this.#buckets.delete(provider);
      return undefined;
    }
    const buckets = new ProviderBuckets(provider, limits);
    this.#buckets.set(provider, buckets);
    return buckets;
  }

  /** How many queued answers are still unused. */
  pending(provider: WireProvider): number {
    return this.#queues.get(provider)?.length ?? 0;
  }

  get requests(): readonly RecordedRequest[] {
    return this.#recorder.requests;
  }

  requestsFor(provider: WireProvider): RecordedRequest[] {
    return this.#recorder.requests.filter((r) => r.provider === provider);
  }

  lastRequest(provider?: WireProvider): RecordedRequest | undefined {
    const list = provider ? this.requestsFor(provider) : this.#recorder.requests;
    return list[list.length - 1];
  }

  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]> {
    return this.#recorder.waitForRequests(n, timeoutMs);
  }

  /** Forgets queues, defaults and recordings; the server keeps running. */
  reset(): void {
    for (const queue of this.#queues.values()) queue.length = 0;
    this.#defaults.clear();
    this.#recorder.clear();
    this.batches.reset();
    this.embeddings.reset();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.batches.releaseStatus();
    for (const ac of this.#inFlight) ac.abort();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = parseBody(raw);

    if (this.#options.control && url.pathname.startsWith('/__fake/')) {
      handleControl(this, req.method ?? 'GET', url.pathname, body, res);
      return;
    }

    if (await handleBatchRoute(req, res, url, raw, body, this.batches, this.#rejected)) return;
    if (handleGoogleToken(req, res, url, raw, this.googleTokens)) return;
    if (handleExtraRoute(req, res, url, body, { rejected: this.#rejected, flagWords: this.moderationFlagWords }))
      return;
    if (await this.embeddings.handle(req, res, url, body, this.#rejected)) return;

    const route = matchRoute(url.pathname);
    const wire = route ? wires[route.provider] : undefined;
    const headers = lowerCaseHeaders(req);
    const recorded = new RecordedRequest({
      seq: ++this.#seq,
      provider: route?.provider ?? null,
      method: req.method ?? 'GET',
      path: route?.path ?? url.pathname,
      prefix: route?.prefix ?? '',
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
      apiKey: wire ? wire.apiKey(req.headers, url.searchParams) : null,
      stream: wire && route ? wire.wantsStream(body, route.action) : false,
      model: route?.model ?? (isRecord(body) && typeof body.model === 'string' ? body.model : null),
      remotePort: req.socket.remotePort ?? null,
      bodySha256: createHash('sha256').update(raw).digest('hex'),
    });
    this.#recorder.add(recorded);

    const ac = new AbortController();
    this.#inFlight.add(ac);
    let droppedByUs = false;
    res.on('close', () => {
      this.#inFlight.delete(ac);
      if (res.writableFinished) recorded.settle('finished');
      else recorded.settle(droppedByUs || this.#stopping ? 'dropped' : 'aborted');
      ac.abort();
    });

    if (!route || !wire || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `No route for ${req.method} ${url.pathname}`, type: 'not_found' } }));
      return;
    }

    const requestId = newRequestId(route.provider);
    if (recorded.apiKey === null) {
      const reply = wire.missingKey(requestId);
      res.writeHead(reply.status, {
        ...wire.baseHeaders(requestId),
        ...reply.headers,
        'content-type': 'application/json',
      });
      res.end(JSON.stringify(reply.body));
      return;
    }

    // The 400 the real API would give a request its documented rules refuse; queued scripts wait.
    const refusal = documentedRefusal(route.provider, recorded.model, body);
    if (refusal) {
      await respond(res, this.#plan(wire, route, url, recorded, requestId, refusal), ac.signal);
      return;
    }

    const limited = this.#enforce(route.provider);
    if (limited) {
      await respond(res, this.#plan(wire, route, url, recorded, requestId, limited), ac.signal);
      return;
    }
    const bucketHeaders = this.#buckets.get(route.provider)?.headers(Date.now());
    // Vertex AI accepts only the access tokens Google's token endpoint issued.
    const unissued =
      (route.provider === 'vertexAnthropic' || route.provider === 'vertexGemini') &&
      !this.googleTokens.issued.has(recorded.apiKey);
    const script =
      this.#rejected.has(recorded.apiKey) || unissued
        ? { status: 401, error: { message: 'invalid api key' } }
        : (this.#queues.get(route.provider)?.shift() ?? this.#defaults.get(route.provider) ?? {});
    const stopped = applyStopSequences(route.provider, script, stopSequencesOf(route.provider, body));
    const withLimits = bucketHeaders ? { ...stopped, headers: { ...bucketHeaders, ...stopped.headers } } : stopped;
    const plan = this.#plan(wire, route, url, recorded, requestId, withLimits);
    droppedByUs = plan.fault?.kind === 'reset';
    await respond(res, plan, ac.signal);
  }

  /** The 429 an enforcing provider sends, or undefined when the request is within its limits. */
  #enforce(provider: WireProvider): ScriptedResponse | undefined {
    const enforcer = this.#enforcers.get(provider);
    const buckets = this.#buckets.get(provider);
    if (!enforcer && !buckets) return undefined;
    // Tokens count as the usage the answer would report.
    const next = this.#queues.get(provider)?.[0] ?? this.#defaults.get(provider) ?? {};
    const usage = resolvedUsage(next.usage);
    const now = Date.now();
    const verdict = buckets ? buckets.check(now, usage) : enforcer!.check(now, usage.input + usage.output);
    if (verdict.ok) return undefined;
    const seconds = Math.ceil(verdict.retryAfterMs / 1000);
    if (buckets && isGeminiFamily(provider)) {
      // Gemini sends no rate-limit headers, only RetryInfo, a protobuf Duration that may be fractional.
      return {
        status: 429,
        error: { quotaFailure: false, retryDelay: `${(verdict.retryAfterMs / 1000).toFixed(3)}s` },
      };
    }
    return {
      status: 429,
      headers: {
        ...buckets?.headers(now),
        'retry-after': String(seconds),
        ...(provider === 'openai' ? { 'retry-after-ms': String(verdict.retryAfterMs) } : {}),
      },
      error:
        provider === 'gemini'
          ? { quotaFailure: false, retryDelay: `${seconds}s` }
          : { message: `Rate limit reached: ${verdict.which} per window exceeded (enforced by the fake provider).` },
    };
  }

  #plan(
    wire: WireFormat,
    route: Route,
    url: URL,
    recorded: RecordedRequest,
    requestId: string,
    script: ScriptedResponse,
  ): ResponsePlan {
    const status = script.status ?? 200;
    const failed = status < 200 || status >= 300;
    const wreq: WireRequest = {
      requestId,
      model: script.model ?? recorded.model ?? 'unknown-model',
      body: recorded.body,
      script,
    };
    const base = {
      status,
      headerDelayMs: script.headerDelayMs ?? 0,
      ...(script.holdUntil ? { holdUntil: script.holdUntil } : {}),
      chunkDelayMs: script.chunkDelayMs ?? 0,
      byteByByte: script.byteByByte ?? false,
      eol: script.lineEnding ?? '\n',
      fault: script.fault,
      ...(script.hold ? { hold: script.hold } : {}),
      faultEvent:
        script.fault?.kind === 'sseError'
          ? wire.streamError(script.fault.status, script.fault.error, requestId)
          : undefined,
      ping: wire.ping(),
      ...(wire.encode ? { encode: wire.encode } : {}),
    } as const;
    const headersWith = (contentType: string | undefined): Record<string, string> => {
      const headers: Record<string, string> = { ...wire.baseHeaders(requestId) };
      const type = script.contentType ?? contentType;
      if (type) headers['content-type'] = type;
      for (const [name, value] of Object.entries(script.headers ?? {})) {
        if (value === null) delete headers[name.toLowerCase()];
        else headers[name.toLowerCase()] = value;
      }
      return headers;
    };
    const sseType = 'text/event-stream; charset=utf-8';
    const jsonType =
      wire.contentTypes?.json ??
      (isGeminiFamily(route.provider) ? 'application/json; charset=UTF-8' : 'application/json');
    const streamType = wire.contentTypes?.stream ?? sseType;

    if (script.rawBody !== undefined) {
      const defaultType =
        script.rawBody === '' ? undefined : failed ? 'text/html; charset=UTF-8' : recorded.stream ? sseType : jsonType;
      const headers = headersWith(defaultType);
      const isSse = (headers['content-type'] ?? '').includes('text/event-stream');
      return {
        ...base,
        headers,
        body: isSse
          ? { kind: 'rawSse', events: splitSseBody(script.rawBody) }
          : { kind: 'fixed', text: script.rawBody },
      };
    }
    if (failed) {
      const headers = { ...headersWith(jsonType), ...wire.errorHeaders?.(status, script.error) };
      return {
        ...base,
        headers,
        body: { kind: 'fixed', text: JSON.stringify(wire.errorBody(status, script.error, requestId)) },
      };
    }
    if (script.rawChunks !== undefined) {
      if (!recorded.stream)
        return {
          ...base,
          headers: headersWith(jsonType),
          body: { kind: 'fixed', text: JSON.stringify(script.rawChunks[0] ?? {}) },
        };
      return {
        ...base,
        headers: headersWith(sseType),
        body: { kind: 'sse', events: script.rawChunks.map((c) => ({ kind: 'delta', sse: wire.frameChunk(c) })) },
      };
    }
    if (!recorded.stream) {
      return {
        ...base,
        headers: headersWith(jsonType),
        body: { kind: 'fixed', text: JSON.stringify(wire.json(wreq)) },
      };
    }
    const events = wire.stream(wreq);
    // Without alt=sse, Gemini streams one JSON array instead of events.
    if (isGeminiFamily(route.provider) && url.searchParams.get('alt') !== 'sse') {
      const items = events.map((e) => e.sse.data ?? 'null').join(',\r\n');
      return { ...base, headers: headersWith(jsonType), body: { kind: 'fixed', text: `[${items}]` } };
    }
    return { ...base, headers: headersWith(streamType), body: { kind: 'sse', events } };
  }
}
