import { AS_OF, READ_2026_12_06, type CatalogueModel } from './catalogueTypes';

/**
 * Anthropic models: prices per million tokens, context windows, end-of-life dates, each with its source.
 * Every model has a 1-hour cache-write price (`cacheWrite1h`), twice its input price, as the pricing
 * page's "1h Cache Writes" column gives for every model (and each model page since Claude Opus 5).
 */
const ANTHROPIC_PRICING = 'https://platform.claude.com/docs/en/about-claude/pricing';

export const ANTHROPIC_MODELS: readonly CatalogueModel[] = [
  {
    provider: 'anthropic',
    id: 'claude-haiku-5-5',
    tier: 'simple',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    // Priced by prompt length: up to 100,000 prompt tokens (cache reads and writes counted) one
    // price, above it five times that, for every token of the request, output included.
    // Input/output/5m-write from the model overview page; cache-read rates ($0.01 / $0.05) as
    // reported from the pricing page by several price trackers after the 2026-10-07 launch.
    prices: {
      input: 0.1,
      output: 0.5,
      cacheRead: 0.01,
      cacheWrite: 0.125,
      cacheWrite1h: 0.2,
      longPrompt: {
        aboveInputTokens: 100_000,
        input: 0.5,
        output: 2.5,
        cacheRead: 0.05,
        cacheWrite: 0.625,
        cacheWrite1h: 1,
      },
    },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/models/haiku-5-5/overview',
    asOf: AS_OF,
  },
  {
    provider: 'anthropic',
    id: 'claude-haiku-4-5',
    aliases: ['claude-haiku-4-5-20251001'],
    tier: 'simple',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    prices: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25, cacheWrite1h: 2 },
    batchDiscount: 0.5,
    // Legacy (Haiku 5.5 is current) but not deprecated: no retirement date announced.
    endOfLife: null,
    replacement: null,
    source: ANTHROPIC_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'anthropic',
    id: 'claude-sonnet-5-5',
    tier: 'moderate',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    prices: { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5, cacheWrite1h: 4 },
    priceChanges: [
      {
        from: '2026-10-07',
        prices: { input: 2, output: 10, cacheRead: 0.1, cacheWrite: 2.5, cacheWrite1h: 4 },
        note: 'Cache hits cut from $0.20 to $0.10 (0.05× input) on 2026-10-07, as read from the pricing page by price trackers; the model page snapshot we found still showed $0.20.',
      },
    ],
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/models/sonnet-5-5/overview',
    asOf: AS_OF,
  },
  {
    provider: 'anthropic',
    id: 'claude-sonnet-5',
    tier: 'moderate',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    // The increase to $3/$15 scheduled for 2026-09-01 was cancelled; $2/$10 is the standard price.
    prices: { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5, cacheWrite1h: 4 },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/models/sonnet-5/overview',
    asOf: AS_OF,
  },
  {
    provider: 'anthropic',
    id: 'claude-sonnet-4-6',
    tier: 'moderate',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    // No long-context premium on Sonnet 4.6: the 1M window is billed at the standard rate.
    prices: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, cacheWrite1h: 6 },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: ANTHROPIC_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'anthropic',
    id: 'claude-sonnet-4-5',
    aliases: ['claude-sonnet-4-5-20250929'],
    tier: 'moderate',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    prices: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75, cacheWrite1h: 6 },
    batchDiscount: 0.5,
    // Deprecated; retires 2026-11-30 (model page and the SDK's DEPRECATED_MODELS agree).
    endOfLife: '2026-11-30',
    replacement: 'claude-sonnet-5-5',
    source: 'https://platform.claude.com/docs/en/models/sonnet-4-5/overview',
    asOf: AS_OF,
  },
  {
    provider: 'anthropic',
    id: 'claude-opus-5-5',
    tier: 'complex',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    prices: { input: 4, output: 20, cacheRead: 0.2, cacheWrite: 5, cacheWrite1h: 8 },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/models/opus-5-5/overview',
    asOf: AS_OF,
  },
  {
    provider: 'anthropic',
    id: 'claude-opus-4-5',
    aliases: ['claude-opus-4-5-20251101'],
    tier: 'complex',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    prices: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25, cacheWrite1h: 10 },
    batchDiscount: 0.5,
    // Deprecated: the SDK's DEPRECATED_MODELS gives January 22nd, 2027. No replacement named
    // in what we could read (Claude Opus 5.5 is the current Opus).
    endOfLife: '2027-01-22',
    replacement: null,
    source: ANTHROPIC_PRICING,
    asOf: AS_OF,
  },
  {
    provider: 'anthropic',
    id: 'claude-opus-4-6',
    tier: 'complex',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    // Model page: 1M context, 128K output, $5 / $25; legacy (released 2026-02-05; Opus 5.5 is
    // current), no retirement date. Cache and batch at the pricing page's multipliers for every
    // model: read 0.1×, 5m write 1.25×, 1h write 2× input, Batch API 50 %.
    prices: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25, cacheWrite1h: 10 },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/models/opus-4-6/overview',
    asOf: READ_2026_12_06,
  },
  {
    provider: 'anthropic',
    id: 'claude-opus-4-7',
    tier: 'complex',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    // 1M input, 128K output, released 2026-04-16, "retirement not sooner than April 16, 2027"
    // (Vertex AI's model card for claude-opus-4-7); $5 / $25 as Opus 4.6 and 4.8. Cache and
    // batch at the pricing page's multipliers.
    prices: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25, cacheWrite1h: 10 },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/models/opus-4-7/overview',
    asOf: READ_2026_12_06,
  },
  {
    provider: 'anthropic',
    id: 'claude-opus-4-8',
    tier: 'complex',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    // Model page: 1M context, 128K output, $5 / $25; legacy (released 2026-05-28), no
    // retirement date. Cache and batch at the pricing page's multipliers.
    prices: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25, cacheWrite1h: 10 },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/models/opus-4-8/overview',
    asOf: READ_2026_12_06,
  },
  {
    provider: 'anthropic',
    id: 'claude-opus-5',
    tier: 'complex',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    // Model page, "Pricing": input $5, output $25, 5m cache write $6.25, 1h cache write $10,
    // cache read $0.50, Batch API 50%. Legacy (Opus 5.5 is current); "Retirement: not sooner
    // than July 24, 2027", so no end-of-life date yet.
    prices: { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25, cacheWrite1h: 10 },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/models/opus-5/overview',
    asOf: READ_2026_12_06,
  },
  {
    provider: 'anthropic',
    id: 'claude-fable-5-1',
    tier: 'complex',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    // Pricing page, "Model pricing": input $10, 5m cache write $12.50, 1h cache write $20, cache
    // hits $0.25 (0.025× input, not the usual 0.1×), output $50.
    prices: { input: 10, output: 50, cacheRead: 0.25, cacheWrite: 12.5, cacheWrite1h: 20 },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/about-claude/pricing',
    asOf: READ_2026_12_06,
  },
  {
    provider: 'anthropic',
    id: 'claude-mythos-5-1',
    tier: 'complex',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    // Limited availability. Pricing page: the same row as Claude Fable 5.1 ($10 / $50, 5m write
    // $12.50, 1h write $20, cache hits $0.25); the Fable 5.1 page: Mythos 5.1 has the same
    // capabilities (1M context, 128K output).
    prices: { input: 10, output: 50, cacheRead: 0.25, cacheWrite: 12.5, cacheWrite1h: 20 },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/about-claude/pricing',
    asOf: READ_2026_12_06,
  },
  {
    provider: 'anthropic',
    id: 'claude-fable-5-2',
    tier: 'complex',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    // $8 / $40 from the lineup table of the Claude Opus 5 model page (the Indonesian edition,
    // which lists Fable 5.2 where the others list 5.1). Cache writes at the documented multipliers;
    // no cache-read price for it in what we read, so cache hits bill at input (approximate).
    prices: { input: 8, output: 40, cacheRead: null, cacheWrite: 10, cacheWrite1h: 16 },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/id/models/opus-5/overview',
    asOf: READ_2026_12_06,
  },
  {
    provider: 'anthropic',
    id: 'claude-fable-5',
    tier: 'complex',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    // Model page: legacy (released 2026-06-09; "consider migrating to Claude Fable 5.1", no
    // retirement date), 1M context, 128K output, $10 / $50. Pricing page: 5m cache write $12.50,
    // 1h cache write $20, cache hits $1.
    prices: { input: 10, output: 50, cacheRead: 1, cacheWrite: 12.5, cacheWrite1h: 20 },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/models/fable-5/overview',
    asOf: READ_2026_12_06,
  },
  {
    provider: 'anthropic',
    id: 'claude-mythos-5',
    tier: 'complex',
    contextWindow: 1_000_000,
    maxOutputTokens: 128_000,
    // By invitation only (Project Glasswing). The Claude Fable 5 page: it "shares Claude Fable 5's
    // specifications and pricing"; the pricing page gives it the same row as Fable 5.
    prices: { input: 10, output: 50, cacheRead: 1, cacheWrite: 12.5, cacheWrite1h: 20 },
    batchDiscount: 0.5,
    endOfLife: null,
    replacement: null,
    source: 'https://platform.claude.com/docs/en/models/fable-5/overview',
    asOf: READ_2026_12_06,
  },
];
