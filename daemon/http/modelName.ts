import { ProviderIds, type ProviderId, type Tier } from '../../protocol';
import { findModel } from '../router/models';

/** What a model name in an OpenAI or Anthropic request asks the gateway for. */
export type ModelChoice = { tier?: Tier } | { provider: ProviderId; model: string };

export const CONDUIT_MODELS = ['conduit/auto', 'conduit/simple', 'conduit/moderate', 'conduit/complex'] as const;

const TIERS: readonly string[] = ['simple', 'moderate', 'complex'];

/** Families whose new models reach a provider before they reach the catalogue. */
const FAMILY: readonly [RegExp, ProviderId][] = [
  [/^claude-/, 'anthropic'],
  [/^(gpt-|o\d|chatgpt-)/, 'openai'],
  [/^gemini-/, 'gemini'],
];

/**
 * `conduit/<tier>` (routing picks the model), `conduit/auto` (routing picks the tier too),
 * `<provider>/<model>` (e.g. `openaiCompatible/llama3.1`), or a model id of any provider,
 * found in the catalogue or by its family's prefix. Undefined when nothing matches.
 */
export function resolveModelName(name: string): ModelChoice | undefined {
  const trimmed = name.trim();
  const slash = trimmed.indexOf('/');
  if (slash > 0) {
    const prefix = trimmed.slice(0, slash);
    const rest = trimmed.slice(slash + 1);
    if (prefix === 'conduit') {
      if (rest === 'auto') return {};
      return TIERS.includes(rest) ? { tier: rest as Tier } : undefined;
    }
    if ((ProviderIds as readonly string[]).includes(prefix) && rest.length > 0)
      return { provider: prefix as ProviderId, model: rest };
  }
  for (const provider of ['anthropic', 'openai', 'gemini'] as const) {
    if (findModel(provider, trimmed)) return { provider, model: trimmed };
  }
  const family = FAMILY.find(([re]) => re.test(trimmed));
  return family ? { provider: family[1], model: trimmed } : undefined;
}

export function unknownModelMessage(name: string): string {
  return `The model ${JSON.stringify(name)} is not one Conduit knows. Use conduit/simple, conduit/moderate, conduit/complex or conduit/auto (routing picks), a catalogued model id such as claude-sonnet-5-5 or gpt-5.4-mini, or <provider>/<model> (e.g. openaiCompatible/llama3.1); GET /v1/models lists them.`;
}
