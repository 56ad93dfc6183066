import type { ChatResult, RouterExplainResult } from '../../protocol';
import { guardInput } from '../guard/inputGuard';
import type { GatewayDeps, SendContext } from './gatewayTypes';
import { runPipeline } from './pipeline';
import { pipelineParts } from './pipelineParts';
import type { PipelineParts } from './requestContext';

export type { ChatSink, GatewayDeps, SendContext } from './gatewayTypes';

/**
 * The request pipeline's front door. It builds the parts the steps share once, and runs each
 * request through the steps in pipeline.ts, in the order docs/architecture.md lists; it holds
 * no policy of its own.
 */
export class Gateway {
  private readonly parts: PipelineParts;

  constructor(private readonly deps: GatewayDeps) {
    this.parts = pipelineParts(deps);
  }

  async send(input: unknown, call: SendContext): Promise<ChatResult> {
    const started = performance.now();
    const startedAt = Date.now();
    const config = this.deps.config();
    const recorded = {};
    return runPipeline({
      parts: this.parts,
      call,
      config,
      input,
      started,
      startedAt,
      attempts: [],
      fallbacks: [],
      recorded,
    });
  }

  /** `router/explain`: the routing decision and worst-case cost; nothing is sent. */
  explain(input: unknown): RouterExplainResult {
    const config = this.deps.config();
    return this.parts.routes.explain(guardInput(input, { maxPromptChars: config.maxPromptChars }), config);
  }

  /** For warming: whether this request's answer is cached already, or could never be. Counts nothing. */
  cacheState(input: unknown): 'cached' | 'missing' | 'uncacheable' {
    const config = this.deps.config();
    const { routes, cache } = this.parts;
    // Routed first, so the model (and so the key) is the one a real send would use.
    return cache.state(
      routes.route(guardInput(input, { maxPromptChars: config.maxPromptChars }), config).request,
      config,
    );
  }

  /** For warming: embeds the requests' prompts ahead in one batched call, routed as a send would route them. */
  cachePrime(inputs: readonly unknown[]): Promise<void> {
    const config = this.deps.config();
    const { routes, cache } = this.parts;
    return cache.prime(
      inputs.map((input) => routes.route(guardInput(input, { maxPromptChars: config.maxPromptChars }), config).request),
      config,
    );
  }
}
