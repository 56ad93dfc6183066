import { z } from 'zod';
import { lazySchema } from '../config/lazySchema';
import { badRequest } from './errorStatus';
import { redactedHeader } from './redactedHeader';
import { failureFromError, sendFailure, sendJson, type EndpointDeps, type Exchange } from './exchange';

const MAX_INPUTS = 2048;

const embeddingsSchema = lazySchema(() =>
  z.object({
    model: z.string().min(1),
    input: z.union([z.string(), z.array(z.string()).min(1).max(MAX_INPUTS)]),
    encoding_format: z.enum(['float', 'base64']).optional(),
    dimensions: z.number().int().positive().max(65_536).optional(),
  }),
);

/** POST /v1/embeddings: OpenAI's shape, answered by the provider that serves the model. */
export async function embeddings(ex: Exchange, deps: EndpointDeps): Promise<void> {
  const parsed = embeddingsSchema().safeParse(ex.body);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    return sendFailure(ex, {
      ...badRequest(
        `The embeddings request is malformed: ${issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}. Token-array inputs are not supported; send text.`,
      ),
      ...(issues[0]?.path.length ? { param: String(issues[0].path[0]) } : {}),
    });
  }
  const inputs = typeof parsed.data.input === 'string' ? [parsed.data.input] : parsed.data.input;
  try {
    const out = await deps.embed(parsed.data.model, inputs, ex, parsed.data.dimensions);
    const base64 = parsed.data.encoding_format === 'base64';
    sendJson(
      ex,
      200,
      {
        object: 'list',
        data: out.vectors.map((v, index) => ({
          object: 'embedding',
          index,
          embedding: base64 ? Buffer.from(Float32Array.from(v).buffer).toString('base64') : v,
        })),
        model: out.model,
        usage: { prompt_tokens: out.promptTokens, total_tokens: out.promptTokens },
      },
      {
        'x-conduit-provider': out.provider,
        'x-conduit-model': out.model,
        'x-conduit-cache': out.cache,
        ...(out.costUsd !== null ? { 'x-conduit-cost-usd': String(out.costUsd) } : {}),
        ...redactedHeader(out.redacted),
      },
    );
  } catch (err) {
    const failure = failureFromError(err, deps);
    // The guard's refusals are about the inputs; OpenAI names the field at fault in error.param.
    if (failure.code === 'guard_blocked' || failure.code === 'too_large') failure.param = 'input';
    sendFailure(ex, failure);
  }
}
