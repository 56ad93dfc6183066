import { AS_OF, READ_2026_12_06, type CatalogueModel } from './catalogueTypes';

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
      input: 0.2,
      output: 1.2,
      cacheRead: 0.02,
      cacheWrite: 0.25,
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
    // Deprecated 2026-06-11, shutdown 2026-12-11. The deprecations page now names gpt-6-luna
    // (gpt-5.6-luna at the announcement).
    endOfLife: '2026-12-11',
    replacement: 'gpt-6-luna',
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
    // Model page: input $2.00, cached input $0.20, output $12.00; cache writes 1.25× the uncached
    // input rate; >272K input tokens: 2× input and 1.5× output for the full request (the page
    // gives no long-prompt cached-input rate, so it is null there).
    prices: {
      input: 2,
      output: 12,
      cacheRead: 0.2,
      cacheWrite: 2.5,
      longPrompt: { aboveInputTokens: 272_000, input: 4, output: 18, cacheRead: null, cacheWrite: 5 },
    },
    batchDiscount: null,
    endOfLife: null,
    replacement: null,
    source: 'https://developers.openai.com/api/docs/models/gpt-5.6-terra',
    asOf: READ_2026_12_06,
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
    // The deprecations page now names gpt-6.1-terra (gpt-5.6-terra at the announcement).
    endOfLife: '2026-12-11',
    replacement: 'gpt-6.1-terra',
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
      input: 5,
      output: 30,
      cacheRead: 0.5,
      cacheWrite: 6.25,
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
      input: 2.5,
      output: 15,
      cacheRead: 0.25,
      cacheWrite: null,
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
    // The deprecations page now names gpt-6.1-sol (gpt-5.6-sol at the announcement).
    endOfLife: '2026-12-11',
    replacement: 'gpt-6.1-sol',
    source: OPENAI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'openai',
    id: 'gpt-6-luna',
    tier: 'simple',
    contextWindow: 1_050_000,
    maxOutputTokens: 128_000,
    // Model page: input $0.10, cached input $0.01, cache writes $0.125, output $0.50; >272K input
    // tokens: input and cache rates 2×, output 1.5× for the whole request; Batch and Flex 50%.
    prices: {
      input: 0.1,
      output: 0.5,
      cacheRead: 0.01,
      cacheWrite: 0.125,
      longPrompt: { aboveInputTokens: 272_000, input: 0.2, output: 0.75, cacheRead: 0.02, cacheWrite: 0.25 },
    },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://developers.openai.com/api/docs/models/gpt-6-luna',
    asOf: READ_2026_12_06,
  },
  {
    provider: 'openai',
    id: 'gpt-6-sol',
    tier: 'complex',
    contextWindow: 1_050_000,
    maxOutputTokens: 128_000,
    // Model page: input $2, cached input $0.20, cache writes $2.50, output $10. The part of the
    // page we read stops before any long-prompt rule, so none is applied here.
    prices: { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 },
    batchDiscount: null,
    endOfLife: null,
    replacement: null,
    source: 'https://developers.openai.com/api/docs/models/gpt-6-sol',
    asOf: READ_2026_12_06,
  },
  {
    provider: 'openai',
    id: 'gpt-6.2-sol',
    tier: 'complex',
    contextWindow: 1_050_000,
    maxOutputTokens: 128_000,
    // Model page: input $2, cached input $0.10, cache writes $2.50 (30-minute retention), output
    // $10; >272K input tokens: input and cache rates double, output 1.5× for the full request;
    // Batch 50%.
    prices: {
      input: 2,
      output: 10,
      cacheRead: 0.1,
      cacheWrite: 2.5,
      longPrompt: { aboveInputTokens: 272_000, input: 4, output: 15, cacheRead: 0.2, cacheWrite: 5 },
    },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://developers.openai.com/api/docs/models/gpt-6.2-sol',
    asOf: READ_2026_12_06,
  },
  {
    provider: 'openai',
    id: 'gpt-6.1-sol',
    tier: 'complex',
    contextWindow: 1_050_000,
    maxOutputTokens: 128_000,
    // Named by the deprecations page as the replacement for gpt-5 and o3. Its own page was not
    // among what we could read: unpriced (budgets then assume OpenAI's dearest prices). Token
    // limits from Google Cloud's partner-model page for gpt-6.1-sol (1,050,000 context, 922,000
    // input, 128,000 output), read 2026-12-06.
    prices: { input: null, output: null, cacheRead: null, cacheWrite: null },
    batchDiscount: null,
    endOfLife: null,
    replacement: null,
    source: 'https://developers.openai.com/api/docs/deprecations',
    asOf: READ_2026_12_06,
  },
  {
    provider: 'openai',
    id: 'gpt-6.1-terra',
    tier: 'moderate',
    contextWindow: null,
    maxOutputTokens: null,
    // Named by the deprecations page as the replacement for gpt-5-mini; its page was not among
    // what we could read: unpriced.
    prices: { input: null, output: null, cacheRead: null, cacheWrite: null },
    batchDiscount: null,
    endOfLife: null,
    replacement: null,
    source: 'https://developers.openai.com/api/docs/deprecations',
    asOf: READ_2026_12_06,
  },
];
