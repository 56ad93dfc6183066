import type { ZodType } from 'zod';
import {
  ConduitError,
  type ChatRequest,
  type ChatResult,
  type GuardRedaction,
  type ToolCall,
  type ToolCallDelta,
  type Usage,
} from '../../protocol';
import { piiModeFor, type GuardSettings } from './guardSettings';
import {
  checkJson,
  redactOutput,
  repairInstruction,
  StreamRedactor,
  suspicions,
  type OutputPolicy,
} from './outputGuard';
import { zodForResponseSchema } from './responseSchema';
import { mergeRedactions } from './secretScanner';

/** Where streamed text goes; the gateway's ChatSink has this shape. */
export interface TextSink {
  /** A promise back: the client is behind (see ChatSink). */
  chunk(delta: string, seq: number, toolCall?: ToolCallDelta): Promise<void> | undefined;
}

export interface OutputStepOptions {
  settings: GuardSettings;
  /** What the input guard removed; reported back in the result. */
  inputRedacted: GuardRedaction[];
  /** The answer's shape, for features that have one. */
  schema?: ZodType;
  log: (level: 'info' | 'warn', msg: string, fields: Record<string, unknown>) => void;
  requestId: string;
}

export type RunFn = (request: ChatRequest, sink: TextSink | undefined) => Promise<ChatResult>;

/**
 * The guard-out step (docs/architecture.md),
 * around everything upstream of it: answers that must be JSON are checked and, once,
 * sent back for repair; secrets (and PII, when set) are redacted from the answer, and from each
 * streamed chunk as it passes, holding back only a tail that could still become a secret; suspicious answers are logged, by metadata.
 */
export async function runWithOutputGuard(
  request: ChatRequest,
  sink: TextSink | undefined,
  opts: OutputStepOptions,
  run: RunFn,
): Promise<ChatResult> {
  const feature = request.feature ?? 'ask';
  const policy: OutputPolicy = {
    secrets: opts.settings.output.secrets === 'redact',
    pii: piiModeFor(opts.settings, feature) === 'redact',
  };
  const wantsJson =
    request.responseFormat === 'json' ||
    request.responseSchema !== undefined ||
    opts.settings.jsonFeatures.includes(feature);
  const schema = request.responseSchema ? zodForResponseSchema(request.responseSchema) : opts.schema;

  let result: ChatResult;
  let repaired = false;
  if (wantsJson) {
    // A JSON answer is checked whole before the client sees any of it, so it is not streamed.
    result = await run(request, undefined);
    // An answer that calls a tool is not the final answer yet: the client runs the tool first.
    const pass = result.degraded !== undefined || (result.toolCalls?.length ?? 0) > 0;
    let check = pass ? { ok: true as const, value: undefined } : checkJson(result.text, schema);
    if (!check.ok) {
      opts.log('info', 'json repair', { requestId: opts.requestId, feature, problem: check.problem.slice(0, 200) });
      const retry: ChatRequest = {
        ...request,
        stream: false,
        messages: [
          ...request.messages,
          { role: 'assistant', content: result.text },
          { role: 'user', content: repairInstruction(check.problem) },
        ],
      };
      const second = await run(retry, undefined);
      // The gateway's attempt log is shared by both runs, so `second` already counts every attempt.
      result = {
        ...second,
        usage: addUsage(result.usage, second.usage),
        costUsd: addCost(result.costUsd, second.costUsd),
      };
      repaired = true;
      check = checkJson(result.text, schema);
      if (!check.ok) {
        const what = request.responseSchema
          ? `JSON matching responseSchema "${request.responseSchema.name}"`
          : 'usable JSON';
        throw new ConduitError({
          code: 'invalid_output',
          provider: result.provider,
          model: result.model,
          message: `The answer was not ${what} after one repair attempt: ${check.problem}. Simplify the schema or try a stronger model.`,
        });
      }
    }
    if (request.responseSchema && check.value !== undefined) result = { ...result, structured: check.value };
    const out = redactAnswer(result, policy);
    result = out.result;
    // What was redacted from the text is redacted from the parsed value too.
    if (result.structured !== undefined && out.redacted.length) {
      const again = checkJson(result.text);
      result.structured = again.ok ? again.value : undefined;
    }
    void sink?.chunk(result.text, 0);
    return finish(result, out.redacted, repaired, opts);
  }

  let seq = 0;
  const streamer = sink ? new StreamRedactor(policy, (text) => sink.chunk(text, seq++)) : undefined;
  try {
    // A tool-call piece goes out at once, after any text held back, so order and seq hold.
    const forward: TextSink | undefined =
      sink && streamer
        ? {
            chunk: (delta, _seq, toolCall) => {
              if (toolCall) {
                void streamer.flush();
                return sink.chunk('', seq++, toolCall);
              }
              return streamer.push(delta);
            },
          }
        : undefined;
    result = await run(request, forward);
  } catch (err) {
    // A stream that broke midway: the client gets what was held back, so what it saw is
    // exactly the (redacted) partial text the error reports.
    void streamer?.flush();
    if (err instanceof ConduitError && err.data.partialText !== undefined) {
      throw new ConduitError({ ...err.data, partialText: redactOutput(err.data.partialText, policy).text });
    }
    throw err;
  }
  void streamer?.flush();
  const out = redactAnswer(result, policy);
  return finish(out.result, out.redacted, repaired, opts);
}

/** The answer's text and its tool calls' arguments, redacted by the same policy. */
function redactAnswer(result: ChatResult, policy: OutputPolicy): { result: ChatResult; redacted: GuardRedaction[] } {
  const out = redactOutput(result.text, policy);
  if (!result.toolCalls) return { result: { ...result, text: out.text }, redacted: out.redacted };
  const calls = redactToolCalls(result.toolCalls, policy);
  return {
    result: { ...result, text: out.text, toolCalls: calls.calls },
    redacted: mergeRedactions([out.redacted, calls.redacted]),
  };
}

function finish(
  result: ChatResult,
  outputRedacted: GuardRedaction[],
  repaired: boolean,
  opts: OutputStepOptions,
): ChatResult {
  const reasons = suspicions(result.text, outputRedacted);
  if (reasons.length) {
    opts.log('warn', 'suspicious response', {
      requestId: opts.requestId,
      provider: result.provider,
      model: result.model,
      reasons,
      chars: result.text.length,
      redacted: outputRedacted,
    });
  }
  if (opts.inputRedacted.length || outputRedacted.length || repaired) {
    result.guard = {
      redacted: mergeRedactions([opts.inputRedacted]),
      ...(outputRedacted.length ? { outputRedacted } : {}),
      ...(repaired ? { repaired } : {}),
    };
  }
  return result;
}

/**
 * Tool-call arguments are answer text too: every string in them goes through the same
 * redaction. (Their streamed pieces are JSON fragments and go out as they come.)
 */
function redactToolCalls(
  calls: readonly ToolCall[],
  policy: OutputPolicy,
): { calls: ToolCall[]; redacted: GuardRedaction[] } {
  const found: GuardRedaction[][] = [];
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const r = redactOutput(value, policy);
      found.push(r.redacted);
      return r.text;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  const out = calls.map((c) => ({ ...c, input: walk(c.input) as Record<string, unknown> }));
  return { calls: out, redacted: mergeRedactions(found) };
}

function addUsage(a: Usage, b: Usage): Usage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_read_tokens: a.cache_read_tokens + b.cache_read_tokens,
    cache_write_tokens: a.cache_write_tokens + b.cache_write_tokens,
    reasoning_tokens: a.reasoning_tokens + b.reasoning_tokens,
    ...(a.cache_write_1h_tokens || b.cache_write_1h_tokens
      ? { cache_write_1h_tokens: (a.cache_write_1h_tokens ?? 0) + (b.cache_write_1h_tokens ?? 0) }
      : {}),
  };
}

function addCost(a: number | null | undefined, b: number | null | undefined): number | null {
  return a == null || b == null ? null : a + b;
}
