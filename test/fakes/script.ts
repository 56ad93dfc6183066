/**
 * What a test can ask the fake provider server to answer. One ScriptedResponse answers one
 * request; the server keeps a FIFO queue of them per wire provider, and a default for when the
 * queue is empty.
 */

/**
 * The wire formats. An OpenAI-compatible server speaks the `openai` one; the cloud platforms
 * (Bedrock, Vertex AI, Azure OpenAI) wrap one of the first three in their own paths, auth,
 * framing and error shapes.
 */
export const WireProviders = [
  'anthropic',
  'openai',
  'gemini',
  'bedrock',
  'vertexAnthropic',
  'vertexGemini',
  'azure',
] as const;
export type WireProvider = (typeof WireProviders)[number];

/**
 * Token counts in neutral names. Each wire module maps them to its own fields:
 * - anthropic: input→input_tokens (uncached part), output→output_tokens,
 *   cacheRead→cache_read_input_tokens, cacheWrite→cache_creation_input_tokens,
 *   reasoning→output_tokens_details.thinking_tokens (only sent when non-zero);
 * - openai: input→prompt_tokens, output→completion_tokens (reasoning included, as OpenAI counts),
 *   cacheRead→prompt_tokens_details.cached_tokens, reasoning→completion_tokens_details.reasoning_tokens;
 * - gemini: input→promptTokenCount, output→candidatesTokenCount (thoughts excluded, as Gemini
 *   counts), cacheRead→cachedContentTokenCount, reasoning→thoughtsTokenCount.
 */
export interface FakeUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

/** The provider's error, rendered in its own body shape. Every field has a per-status default. */
export interface ScriptedError {
  /** Anthropic error.type, OpenAI error.type, Gemini error.status. */
  type?: string;
  message?: string;
  /** OpenAI error.code, e.g. `insufficient_quota`. */
  code?: string | null;
  /** OpenAI error.param. */
  param?: string | null;
  /** Gemini: adds a google.rpc.RetryInfo detail with this retryDelay, e.g. "37s". */
  retryDelay?: string;
  /** Gemini: adds a google.rpc.QuotaFailure detail. */
  quotaFailure?: boolean;
  /** Gemini: more `details` entries, verbatim. */
  details?: unknown[];
}

/** Something going wrong after the response has started. */
export type StreamFault =
  /** The provider's in-band error after `afterDeltas` text deltas (Anthropic `event: error`). */
  | { kind: 'sseError'; afterDeltas: number; status?: number; error?: ScriptedError }
  /** Destroy the socket (TCP reset) after `afterDeltas` deltas; for JSON, before any byte. */
  | { kind: 'reset'; afterDeltas: number }
  /** End the response cleanly, without the end marker, after `afterDeltas` deltas; for JSON, mid-body. */
  | { kind: 'truncate'; afterDeltas: number }
  /** Send headers (and `afterDeltas` deltas), then nothing, until the client gives up. */
  | { kind: 'hang'; afterDeltas?: number }
  /** Send `ping` events (SSE comments for OpenAI and Gemini) forever after `afterDeltas` deltas. */
  | { kind: 'pingForever'; afterDeltas?: number; intervalMs?: number };

export interface ScriptedResponse {
  /** The whole answer; split into `chunks` deltas when streamed. */
  text?: string;
  /** Explicit deltas; wins over `text`. */
  deltas?: string[];
  /** How many deltas to split `text` into (default: about one per word, at most 8). */
  chunks?: number;
  usage?: Partial<FakeUsage>;
  /** The model the response names; defaults to the model the request asked for. */
  model?: string;
  /** Provider-native stop reason; defaults to end_turn / stop / STOP. */
  stopReason?: string;
  /** Anthropic's `stop_sequence`: the stop sequence the answer ended at (set by stopRules). */
  stopSequence?: string;
  responseId?: string;
  /**
   * Tool calls the answer makes, after its text (which defaults to none when these are given).
   * Anthropic tool_use blocks, OpenAI tool_calls, Gemini functionCall parts.
   */
  toolCalls?: FakeToolCall[];
  /** Reasoning shown before the answer: an Anthropic thinking block, a Gemini thought part. */
  thinking?: string;

  /** A non-2xx status answers with the provider's error body (or `rawBody`). */
  status?: number;
  error?: ScriptedError;
  /**
   * Served verbatim instead of a generated body: an HTML 502 page, '' for an empty 503, or a
   * recorded SSE transcript (streamed event by event, so delays and faults still apply).
   */
  rawBody?: string;
  /** Recorded JSON chunks, each framed as one SSE event in the provider's style. */
  rawChunks?: unknown[];
  contentType?: string;

  /** Extra response headers; a null value removes a default header. */
  headers?: Record<string, string | null>;
  /** Wait this long before sending headers. */
  headerDelayMs?: number;
  /**
   * Send nothing until this settles (after headerDelayMs): a test holds the answer for exactly as
   * long as it needs, where a delay would be a guess a loaded machine can outlast.
   */
  holdUntil?: Promise<unknown>;
  /** Wait this long between SSE events. */
  chunkDelayMs?: number;
  /**
   * Stop after `afterDeltas` text deltas until `until` resolves, then send the rest: a stream
   * that is certainly still in flight while the test does something (the fake runs in-process).
   */
  hold?: { afterDeltas: number; until: Promise<void> };
  fault?: StreamFault;
  /** Write the body one byte at a time, to prove clients reassemble split frames. */
  byteByByte?: boolean;
  /** SSE line ending; real servers use '\n', some proxies '\r\n'. */
  lineEnding?: '\n' | '\r\n';
}

export interface FakeToolCall {
  /** Defaults to a provider-shaped id; Gemini sends none, as its API does. */
  id?: string;
  name: string;
  input: Record<string, unknown>;
  /** Gemini: the part's thoughtSignature. */
  signature?: string;
}

export const defaultText = 'Hello from the fake provider.';

/** The script's tool calls with ids filled in (`prefix` + position). */
export function scriptToolCalls(script: ScriptedResponse, prefix: string): Array<FakeToolCall & { id: string }> {
  return (script.toolCalls ?? []).map((c, i) => ({ ...c, id: c.id ?? `${prefix}${i}` }));
}

/** Arguments JSON in two pieces, as providers stream it. */
export function argumentPieces(input: Record<string, unknown>): string[] {
  const json = JSON.stringify(input);
  const cut = Math.floor(json.length / 2);
  return [json.slice(0, cut), json.slice(cut)];
}

/** A script that makes tool calls and names no text answers with none. */
function textless(script: ScriptedResponse): boolean {
  return script.toolCalls !== undefined && script.text === undefined && script.deltas === undefined;
}

export function resolvedUsage(usage: Partial<FakeUsage> | undefined): FakeUsage {
  return { input: 12, output: 7, cacheRead: 0, cacheWrite: 0, reasoning: 0, ...usage };
}

/** The deltas a script streams: explicit ones, or its text cut into `chunks` (or word) pieces. */
export function scriptDeltas(script: ScriptedResponse): string[] {
  if (script.deltas) return script.deltas;
  if (textless(script)) return [];
  const text = script.text ?? defaultText;
  if (script.chunks !== undefined) {
    // Code points, so a split never lands inside a surrogate pair.
    const chars = Array.from(text);
    const n = Math.max(1, Math.min(script.chunks, chars.length));
    const deltas: string[] = [];
    for (let i = 0; i < n; i++) {
      deltas.push(chars.slice(Math.round((i * chars.length) / n), Math.round(((i + 1) * chars.length) / n)).join(''));
    }
    return deltas;
  }
  const words = text.match(/\S+\s*|\s+/g) ?? [text];
  const perDelta = Math.ceil(words.length / Math.min(words.length, 8));
  const deltas: string[] = [];
  for (let i = 0; i < words.length; i += perDelta) deltas.push(words.slice(i, i + perDelta).join(''));
  return deltas;
}

export function scriptText(script: ScriptedResponse): string {
  if (textless(script)) return '';
  return script.deltas ? script.deltas.join('') : (script.text ?? defaultText);
}
