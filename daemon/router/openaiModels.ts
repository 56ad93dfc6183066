import { AS_OF, type CatalogueModel } from './catalogueTypes';

/** OpenAI models: prices per million tokens, context windows, end-of-life dates, each with its source. */
const OPENAI_PRICING = 'https://developers.openai.com/api/docs/pricing';

export const OPENAI_MODELS: readonly CatalogueModel[] = [
  {
    provider: 'openai',
    id: 'gpt-5.6-luna',
    tier: 'simple',
    contextWindow: 1_050_000,
    maxOutputTokens: 128_000,
    // Cache writes: 1.25× the uncached input rate; >272K input: 2× input, 1.5× output for the
    // full request (both stated on the model page). The page does not give the long-prompt
    // cached-input rate, so it is null there (cache hits then bill at the long input rate).
    prices: {
      input: 0.2, output: 1.2, cacheRead: 0.02, cacheWrite: 0.25,
      longPrompt: { aboveInputTokens: 272_000, input: 0.4, output: 1.8, cacheRead: null, cacheWrite: 0.5 },
    },
    batchDiscount: null,
    endOfLife: null,
    replacement: null,
    source: 'https://developers.openai.com/api/docs/models/gpt-5.6-luna',
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5.4-nano',
    aliases: ['gpt-5.4-nano-2026-03-17'],
    tier: 'simple',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    prices: { input: 0.2, output: 1.25, cacheRead: 0.02, cacheWrite: null },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://developers.openai.com/api/docs/models/gpt-5.4-nano',
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5-nano',
    aliases: ['gpt-5-nano-2025-08-07'],
    tier: 'simple',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    prices: { input: 0.05, output: 0.4, cacheRead: 0.005, cacheWrite: null },
    batchDiscount: 0.5,
    // Deprecated 2026-06-11, shutdown 2026-12-11. Replacement named at the announcement:
    // gpt-5.6-luna (the deprecations page now names gpt-6-luna, which the installed SDK lacks).
    endOfLife: '2026-12-11',
    replacement: 'gpt-5.6-luna',
    source: 'https://developers.openai.com/api/docs/models/gpt-5-nano',
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5.4-mini',
    aliases: ['gpt-5.4-mini-2026-03-17'],
    tier: 'moderate',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    prices: { input: 0.75, output: 4.5, cacheRead: 0.075, cacheWrite: null },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: OPENAI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5.6-terra',
    tier: 'moderate',
    contextWindow: 1_050_000,
    maxOutputTokens: 128_000,
    // Prices null on purpose: we could not read them on OpenAI's own page (third parties list
    // $2/$12 and $2.50/$15). Cost is reported as unknown until confirmed or overridden.
    prices: { input: null, output: null, cacheRead: null, cacheWrite: null },
    batchDiscount: null,
    endOfLife: null,
    replacement: null,
    source: 'https://developers.openai.com/api/docs/models/gpt-5.6-terra',
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5-mini',
    aliases: ['gpt-5-mini-2025-08-07'],
    tier: 'moderate',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    prices: { input: 0.25, output: 2, cacheRead: 0.025, cacheWrite: null },
    batchDiscount: 0.5,
    endOfLife: '2026-12-11',
    replacement: 'gpt-5.6-terra',
    source: OPENAI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5.6-sol',
    tier: 'complex',
    contextWindow: 1_050_000,
    maxOutputTokens: 128_000,
    // The model page lists a promotional $4 / $20 ($0.40 cached), "a 20% / 33% reduction",
    // available "at least until November 21, 2026". That date has passed, so we keep the list
    // price it was reduced from ($5 / $30 / $0.50): an upper bound for budgets and the cost
    // guard. Override it in settings if the promotion is still running for you.
    prices: {
      input: 5, output: 30, cacheRead: 0.5, cacheWrite: 6.25,
      longPrompt: { aboveInputTokens: 272_000, input: 10, output: 45, cacheRead: null, cacheWrite: 12.5 },
    },
    batchDiscount: null,
    endOfLife: null,
    replacement: null,
    source: 'https://developers.openai.com/api/docs/models/gpt-5.6-sol',
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5.4',
    tier: 'complex',
    contextWindow: 1_050_000,
    maxOutputTokens: 128_000,
    prices: {
      input: 2.5, output: 15, cacheRead: 0.25, cacheWrite: null,
      longPrompt: { aboveInputTokens: 272_000, input: 5, output: 22.5, cacheRead: null, cacheWrite: null },
    },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: OPENAI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-5',
    aliases: ['gpt-5-2025-08-07'],
    tier: 'complex',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    prices: { input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: null },
    batchDiscount: 0.5,
    endOfLife: '2026-12-11',
    replacement: 'gpt-5.6-sol',
    source: OPENAI_PRICING,
    asOf: AS_OF,
  },

];
