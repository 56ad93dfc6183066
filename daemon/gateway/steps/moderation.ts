import { resolveProvider } from '../../config/config';
import { enforceModeration } from '../../guard/moderation';
import { resolveKey } from '../../secrets/keySource';
import type { RequestContext } from '../requestContext';
import type { RequestStep } from './requestStep';

/** moderation, for the features in `guard.moderationFeatures`: OpenAI's endpoint, before anything else is spent. */
export const moderation: RequestStep = async (ctx, next) => {
  const { redactor } = ctx.parts.deps;
  await enforceModeration(
    ctx.request,
    ctx.config.guard.moderationFeatures,
    () => moderationTarget(ctx),
    ctx.call.signal,
    (t) => redactor.text(t),
  );
  return next(ctx);
};

function moderationTarget(ctx: RequestContext): { apiKey: string; baseURL: string } | undefined {
  const { config, request, parts } = ctx;
  const { key } = resolveKey('openai', parts.env, parts.deps.keys, request.profile ?? config.profile);
  return key ? { apiKey: key, baseURL: resolveProvider(config, 'openai', parts.env).baseURL } : undefined;
}
