import {
  ConduitError,
  emptyUsage,
  type ChatRequest,
  type ChatResult,
  type ClientKind,
  type ConduitErrorData,
  type ProviderId,
  type Usage,
} from '../../protocol';
import { resolveProvider, type ConduitConfig } from '../config/config';
import { guardInput } from '../guard/inputGuard';
import type { Redactor } from '../guard/redact';
import type { Logger } from '../log/logger';
import { UpstreamError, type ProviderAdapter, type ProviderRequest } from '../providers/types';
import { toErrorData } from '../resilience/classify';
import { keyEnvVar, resolveKey } from '../secrets/keySource';
import { AdapterPool } from './adapterPool';

export interface ChatSink {
  chunk(delta: string, seq: number): void;
}

export interface SendContext {
  requestId: string;
  client: ClientKind;
  signal: AbortSignal;
  /** Present when the client asked to stream. */
  sink?: ChatSink;
}

export interface GatewayDeps {
  config: () => ConduitConfig;
  logger: Logger;
  redactor: Redactor;
  env?: NodeJS.ProcessEnv;
}

interface Outcome {
  text: string;
  model: string;
  usage: Usage;
  stopReason: string | null;
  responseId?: string;
  ttftMs: number | null;
}

/**
 * The request pipeline. It composes the parts in the order DESIGN.md gives and holds no policy
 * of its own; later issues slot the cache, budget, limiter and resilience steps in here.
 */
export class Gateway {
  private readonly pool = new AdapterPool();
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly deps: GatewayDeps) {
    this.env = deps.env ?? process.env;
  }

  async send(input: unknown, ctx: SendContext): Promise<ChatResult> {
    const started = performance.now();
    const config = this.deps.config();
    const request = guardInput(input, { maxPromptChars: config.maxPromptChars });
    const providerId = request.provider ?? config.provider;
    const resolved = resolveProvider(config, providerId, this.env);
    const model = request.model ?? resolved.model;
    const adapter = this.adapterFor(providerId, resolved.baseURL);
    const providerRequest: ProviderRequest = {
      model,
      messages: request.messages,
      maxTokens: request.max_tokens ?? config.defaultMaxTokens,
      ...(request.system !== undefined ? { system: request.system } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    };

    const attemptStart = performance.now();
    try {
      const outcome = ctx.sink
        ? await this.streamOnce(adapter, providerRequest, ctx, started)
        : await this.callOnce(adapter, providerRequest, ctx.signal);
      const latencyMs = performance.now() - started;
      const result: ChatResult = {
        requestId: ctx.requestId,
        text: outcome.text,
        provider: providerId,
        model: outcome.model,
        usage: outcome.usage,
        stopReason: outcome.stopReason,
        latencyMs: round(latencyMs),
        ttftMs: outcome.ttftMs === null ? null : round(outcome.ttftMs),
        attempts: 1,
        attemptLog: [{ provider: providerId, model, delayMs: 0, durationMs: round(performance.now() - attemptStart) }],
        cache: 'none',
        fallbacks: [],
        ...(outcome.responseId !== undefined ? { responseId: outcome.responseId } : {}),
      };
      this.record(ctx, request, result, undefined);
      return result;
    } catch (err) {
      const data = this.errorData(err, providerId, model, ctx.signal);
      this.record(ctx, request, undefined, data, round(performance.now() - started));
      throw new ConduitError(data);
    }
  }

  private adapterFor(id: ProviderId, baseURL: string): ProviderAdapter {
    const { key, source } = resolveKey(id, this.env);
    if (!key && source === 'none') {
      throw new ConduitError({
        code: 'no_api_key',
        provider: id,
        message: `No API key for ${id}. Set ${keyEnvVar(id)} in the environment the daemon starts from, then run \`conduit stop\` so the next request starts it with the key.`,
      });
    }
    this.deps.redactor.addSecret(key);
    // Local servers ignore the key, but the OpenAI SDK refuses to build a client without one.
    return this.pool.get(id, baseURL, key ?? 'not-needed');
  }

  private async callOnce(adapter: ProviderAdapter, req: ProviderRequest, signal: AbortSignal): Promise<Outcome> {
    const res = await adapter.chat(req, signal);
    return { ...res, ttftMs: null };
  }

  private async streamOnce(adapter: ProviderAdapter, req: ProviderRequest, ctx: SendContext, started: number): Promise<Outcome> {
    const parts: string[] = [];
    let ttftMs: number | null = null;
    let seq = 0;
    try {
      for await (const ev of adapter.stream(req, ctx.signal)) {
        if (ev.type === 'text') {
          if (ttftMs === null) ttftMs = performance.now() - started;
          parts.push(ev.text);
          ctx.sink?.chunk(ev.text, seq++);
        } else {
          return { text: parts.join(''), model: ev.model, usage: ev.usage, stopReason: ev.stopReason, responseId: ev.responseId, ttftMs };
        }
      }
    } catch (err) {
      if (err instanceof UpstreamError && err.partialText === undefined && parts.length > 0) err.partialText = parts.join('');
      throw err;
    }
    // Adapters promise a final `done`; a stream without one is incomplete, never a success.
    throw new UpstreamError({ provider: adapter.id, kind: 'truncated', message: 'The stream ended before the provider finished the answer.', partialText: parts.join('') });
  }

  private errorData(err: unknown, provider: ProviderId, model: string, signal: AbortSignal): ConduitErrorData {
    if (signal.aborted) return { code: 'cancelled', message: 'The request was cancelled.', provider, model };
    if (err instanceof ConduitError) return err.data;
    if (err instanceof UpstreamError) {
      const data = toErrorData(err, model);
      data.message = this.deps.redactor.text(data.message);
      return data;
    }
    this.deps.logger.error('unexpected gateway error', { err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) });
    return { code: 'internal', message: `Conduit hit an internal error: ${this.deps.redactor.text(err instanceof Error ? err.message : String(err))}. See the daemon log.`, provider, model };
  }

  private record(ctx: SendContext, request: ChatRequest, result: ChatResult | undefined, error: ConduitErrorData | undefined, latencyMs?: number): void {
    this.deps.logger.info('request', {
      requestId: ctx.requestId,
      client: ctx.client,
      feature: request.feature ?? 'ask',
      priority: request.priority ?? 'interactive',
      stream: ctx.sink !== undefined,
      provider: result?.provider ?? error?.provider,
      model: result?.model ?? error?.model,
      latencyMs: result?.latencyMs ?? latencyMs,
      ttftMs: result?.ttftMs ?? null,
      usage: result?.usage ?? emptyUsage(),
      attempts: result?.attempts ?? 1,
      status: error ? 'error' : 'ok',
      ...(error ? { error: { code: error.code, status: error.status, providerCode: error.providerCode, requestId: error.requestId, message: error.message } } : {}),
    });
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
