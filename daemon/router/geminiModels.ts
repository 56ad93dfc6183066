import { AS_OF, READ_2026_12_06, type CatalogueModel } from './catalogueTypes';

/** Gemini models: prices per million tokens, context windows, end-of-life dates, each with its source. */
const GEMINI_PRICING = 'https://ai.google.dev/gemini-api/docs/pricing';

export const GEMINI_MODELS: readonly CatalogueModel[] = [
  {
    provider: 'gemini',
    id: 'gemini-3.5-flash-lite',
    tier: 'simple',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    // Context caching price not confirmed: cache hits bill at the input price (an upper bound).
    prices: { input: 0.3, output: 2.5, cacheRead: null, cacheWrite: null },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: GEMINI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'gemini',
    id: 'gemini-2.5-flash-lite',
    tier: 'simple',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    // Context caching $0.01 (text / image / video), as read from the pricing page.
    prices: { input: 0.1, output: 0.4, cacheRead: 0.01, cacheWrite: null },
    batchDiscount: 0.5,
    // "Not deprecated and remains available through the API until further notice."
    endOfLife: null,
    replacement: null,
    source: GEMINI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'gemini',
    id: 'gemini-3.8-flash',
    tier: 'moderate',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    // Launch promotion: $0.75 / $3.75 through 2026-12-31, then $1.50 / $7.50 from 2027-01-01
    // (both stated on the pricing page). Cache reads $0.075 during the promotion (as reported
    // with the launch); the post-promotion caching price is not published in what we read.
    prices: { input: 0.75, output: 3.75, cacheRead: 0.075, cacheWrite: null },
    priceChanges: [
      {
        from: '2027-01-01',
        prices: { input: 1.5, output: 7.5, cacheRead: null, cacheWrite: null },
        note: 'End of the launch promotion.',
      },
    ],
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: GEMINI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'gemini',
    id: 'gemini-2.5-flash',
    tier: 'moderate',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    // Context caching $0.03 (text / image / video) on the pricing page.
    prices: { input: 0.3, output: 2.5, cacheRead: 0.03, cacheWrite: null },
    batchDiscount: 0.5,
    // Shutdown 2026-12-01 on the Gemini API deprecations page (as read on 2026-11-10);
    // requests are then routed to gemini-3.5-flash-lite and billed at its rates.
    endOfLife: '2026-12-01',
    replacement: 'gemini-3.5-flash-lite',
    source: GEMINI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'gemini',
    id: 'gemini-3.1-pro-preview',
    tier: 'complex',
    contextWindow: null,
    maxOutputTokens: null,
    // Preview model, no shutdown date announced. Caching price not confirmed.
    prices: {
      input: 2,
      output: 12,
      cacheRead: null,
      cacheWrite: null,
      longPrompt: { aboveInputTokens: 200_000, input: 4, output: 18, cacheRead: null, cacheWrite: null },
    },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: GEMINI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'gemini',
    id: 'gemini-2.5-pro',
    tier: 'complex',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    prices: {
      input: 1.25,
      output: 10,
      cacheRead: 0.125,
      cacheWrite: null,
      longPrompt: { aboveInputTokens: 200_000, input: 2.5, output: 15, cacheRead: 0.25, cacheWrite: null },
    },
    batchDiscount: 0.5,
    // Shutdown 2026-12-01 (deprecations page, as read on 2026-11-10); routed to gemini-3.8-flash.
    endOfLife: '2026-12-01',
    replacement: 'gemini-3.8-flash',
    source: GEMINI_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'gemini',
    id: 'gemini-3.5-flash',
    tier: 'moderate',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    // Pricing page (as transcribed on 2026-10-07): input $1.50, output $9.00. Its context
    // caching price was not in what we read: cache hits bill at the input price (approximate).
    prices: { input: 1.5, output: 9, cacheRead: null, cacheWrite: null },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: GEMINI_PRICING,
    asOf: READ_2026_12_06,
  },
  {
    provider: 'gemini',
    id: 'gemini-4-argon',
    tier: 'complex',
    // One 1,048,576-token limit for input and output together; 65,536 output tokens by default.
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    // Latest-model guide: $2 / $10 at launch through 2026-11-30, then $4 / $20. The caching
    // price is not in what we read: cache hits bill at the input price (approximate).
    prices: { input: 2, output: 10, cacheRead: null, cacheWrite: null },
    priceChanges: [
      {
        from: '2026-12-01',
        prices: { input: 4, output: 20, cacheRead: null, cacheWrite: null },
        note: 'End of the launch price.',
      },
    ],
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://ai.google.dev/gemini-api/docs/generate-content/latest-model',
    asOf: READ_2026_12_06,
  },
  {
    provider: 'gemini',
    id: 'gemini-3.6-flash',
    tier: 'moderate',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    // Generally available; limits from Google Cloud's model page. No Google page we could read
    // gives its price: unpriced (budgets then assume Gemini's dearest prices).
    prices: { input: null, output: null, cacheRead: null, cacheWrite: null },
    batchDiscount: null,
    endOfLife: null,
    replacement: null,
    source: 'https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/gemini/3-6-flash',
    asOf: READ_2026_12_06,
  },
  {
    provider: 'gemini',
    id: 'gemini-3.7-flash',
    tier: 'moderate',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    // Model page: deprecated, "replaced by Gemini 3.8 Flash", and the id is routed automatically
    // to gemini-3.8-flash. Google Cloud's model page: "will be retired on January 28, 2027.
    // Upgrade to Gemini 3.8 Flash." No Google page we could read gives its price: unpriced.
    prices: { input: null, output: null, cacheRead: null, cacheWrite: null },
    batchDiscount: null,
    endOfLife: '2027-01-28',
    replacement: 'gemini-3.8-flash',
    source: 'https://ai.google.dev/gemini-api/docs/models/gemini-3.7-flash',
    asOf: READ_2026_12_06,
  },
];
