import type { ModelDeprecation, ProviderId } from '../../protocol';
import { deprecationStatus, findModel } from './models';

/** A warning for a model past or within 30 days of its end of life; undefined when it is fine or unknown. */
export function deprecationOf(
  provider: ProviderId,
  model: string,
  now: Date = new Date(),
): ModelDeprecation | undefined {
  const entry = findModel(provider, model);
  if (!entry) return undefined;
  const status = deprecationStatus(entry, now);
  if (status.state === 'ok' || status.endOfLife === undefined) return undefined;
  const instead = status.replacement
    ? ` Use ${status.replacement} instead (set it in providers.${provider}.models or conduit.models).`
    : '';
  const message =
    status.state === 'past'
      ? `${provider}/${model} reached its end of life on ${status.endOfLife} and is no longer served.${instead}`
      : `${provider}/${model} reaches its end of life on ${status.endOfLife}.${instead}`;
  return {
    provider,
    model,
    state: status.state,
    endOfLife: status.endOfLife,
    ...(status.replacement ? { replacement: status.replacement } : {}),
    message,
  };
}

/** Every distinct model the settings name (tiers, per-feature, experiments, fallbacks) that is near or past its end. */
export function configuredDeprecations(
  models: Iterable<{ provider: ProviderId; model: string }>,
  now: Date = new Date(),
): ModelDeprecation[] {
  const seen = new Set<string>();
  const out: ModelDeprecation[] = [];
  for (const { provider, model } of models) {
    const key = `${provider}/${model}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const d = deprecationOf(provider, model, now);
    if (d) out.push(d);
  }
  return out;
}
