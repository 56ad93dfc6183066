import { z } from 'zod';
import type { CatalogueModel, CatalogueProvider, LongPromptPrices, PriceSchedule } from './catalogueTypes';

/**
 * The models.dev `api.json` format (a public catalogue of prices and limits many tools read):
 * an object keyed by provider id (`anthropic`, `openai`, `google`; some copies wrap it in
 * `providers`), each with `models` keyed by model id. Prices are USD per million tokens:
 * `cost.input`, `cost.output`, `cost.cache_read`, `cost.cache_write`, and `cost.context_over_200k`
 * with the same fields for prompts above 200K tokens; `limit.context` and `limit.output` are
 * token counts; `status: "deprecated"` marks a retiring model. Unknown fields are allowed, as
 * the format grows; the ones read here must have the right types.
 */
const price = z.number().nonnegative().finite();
const costSchema = z
  .object({
    input: price.optional(),
    output: price.optional(),
    cache_read: price.optional(),
    cache_write: price.optional(),
    context_over_200k: z
      .object({
        input: price.optional(),
        output: price.optional(),
        cache_read: price.optional(),
        cache_write: price.optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

const modelSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    cost: costSchema.optional(),
    limit: z
      .object({ context: z.number().int().nonnegative().optional(), output: z.number().int().nonnegative().optional() })
      .loose()
      .optional(),
    status: z.string().optional(),
  })
  .loose();

const providerSchema = z.object({ id: z.string().optional(), models: z.record(z.string(), modelSchema) }).loose();

export const modelsDevSchema = z.union([
  z.object({ providers: z.record(z.string(), providerSchema) }).loose(),
  z.record(z.string(), z.unknown()),
]);

/** models.dev's provider ids for the catalogue's providers. */
const MODELS_DEV_IDS: Readonly<Record<CatalogueProvider, string>> = {
  anthropic: 'anthropic',
  openai: 'openai',
  gemini: 'google',
};

/**
 * The catalogue entries a models.dev file gives for the three providers, validated. Throws an
 * error that names the first bad field. Models without an input and output price are left out
 * (they would say nothing a price could be built on).
 */
export function catalogueFromModelsDev(
  json: unknown,
  origin: string,
  readAt: string,
  known: (p: CatalogueProvider, id: string) => CatalogueModel | undefined,
): CatalogueModel[] {
  const parsed = modelsDevSchema.safeParse(json);
  if (!parsed.success) throw new Error(`not a models.dev api.json: ${parsed.error.issues[0]?.message ?? 'unreadable'}`);
  const root = (parsed.data as { providers?: unknown }).providers ?? parsed.data;
  const out: CatalogueModel[] = [];
  for (const provider of Object.keys(MODELS_DEV_IDS) as CatalogueProvider[]) {
    const raw = (root as Record<string, unknown>)[MODELS_DEV_IDS[provider]];
    if (raw === undefined) continue;
    const p = providerSchema.safeParse(raw);
    if (!p.success) {
      const issue = p.error.issues[0];
      throw new Error(
        `models.dev file: ${MODELS_DEV_IDS[provider]}.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
      );
    }
    for (const [key, m] of Object.entries(p.data.models)) {
      const cost = m.cost;
      if (cost?.input === undefined || cost.output === undefined) continue;
      const id = m.id || key;
      const base = known(provider, id);
      const prices: PriceSchedule = {
        input: cost.input,
        output: cost.output,
        cacheRead: cost.cache_read ?? null,
        cacheWrite: cost.cache_write ?? null,
      };
      // models.dev has no 1-hour write field: keep Anthropic's documented 2× input.
      if (provider === 'anthropic') prices.cacheWrite1h = cost.input * 2;
      const over = cost.context_over_200k;
      if (over?.input !== undefined && over.output !== undefined) {
        const long: LongPromptPrices = {
          aboveInputTokens: 200_000,
          input: over.input,
          output: over.output,
          cacheRead: over.cache_read ?? null,
          cacheWrite: over.cache_write ?? null,
        };
        if (provider === 'anthropic') long.cacheWrite1h = over.input * 2;
        prices.longPrompt = long;
      }
      out.push({
        provider,
        id,
        ...(base?.aliases ? { aliases: base.aliases } : {}),
        tier: base?.tier ?? 'moderate',
        contextWindow: m.limit?.context ?? base?.contextWindow ?? null,
        maxOutputTokens: m.limit?.output ?? base?.maxOutputTokens ?? null,
        prices,
        batchDiscount: base?.batchDiscount ?? null,
        endOfLife: base?.endOfLife ?? null,
        replacement: base?.replacement ?? null,
        source: `models.dev api.json (${origin})`,
        asOf: readAt,
        ...(m.status === 'deprecated' ? { note: 'Marked deprecated in the models.dev file.' } : {}),
      });
    }
  }
  return out;
}
