import type { ChatRequest, RouterExplainResult } from '../../protocol';
import { estimateInputTokens } from '../ratelimit/tokenEstimate';
import { billedCostOf, type PriceOverrides } from './pricing';
import type { SqliteDb } from './sqlite';

/** The output assumed when the ledger has too few answers for the feature: a short answer. */
export const DEFAULT_EXPECTED_OUTPUT_TOKENS = 400;
/** Fewer earlier answers than this and the median says little; the default is used instead. */
const MIN_SAMPLES = 5;
const LOOKBACK_MS = 30 * 24 * 60 * 60 * 1000;
const MAX_SAMPLES = 2000;

/**
 * The median output tokens of the feature's answered upstream requests in the last 30 days (at
 * most the latest 2,000), or undefined with fewer than 5. Cache hits and errors are left out:
 * they say nothing of how long this feature's answers run.
 */
export async function medianOutputTokens(
  db: SqliteDb,
  feature: string,
  now: number,
): Promise<{ median: number; samples: number } | undefined> {
  const rows = await db.all<{ output_tokens: number }>(
    `SELECT output_tokens FROM requests
     WHERE feature = ? AND started_at >= ? AND error_code IS NULL AND cache = 'none' AND output_tokens > 0
     ORDER BY started_at DESC LIMIT ?`,
    [feature, now - LOOKBACK_MS, MAX_SAMPLES],
  );
  if (rows.length < MIN_SAMPLES) return undefined;
  const sorted = rows.map((r) => r.output_tokens).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
  return { median, samples: sorted.length };
}

/**
 * Adds the expected cost to a routing decision: the prompt's estimated tokens (not the budget's
 * upper bound) and the feature's median output, capped at max_tokens, at the routed model's
 * prices (a model without a price at its provider's dearest, marked approximate).
 */
export async function withExpectedCost(
  explained: RouterExplainResult,
  request: ChatRequest,
  db: (() => SqliteDb) | undefined,
  prices: PriceOverrides | undefined,
  now: number = Date.now(),
): Promise<RouterExplainResult> {
  const inputTokens = estimateInputTokens(request.messages, request.system);
  // The ledger may be unavailable (degraded, closing): the stated default is used then.
  const seen = db
    ? await Promise.resolve()
        .then(() => medianOutputTokens(db(), request.feature ?? 'ask', now))
        .catch(() => undefined)
    : undefined;
  const outputTokens = Math.min(explained.estimate.maxTokens, seen?.median ?? DEFAULT_EXPECTED_OUTPUT_TOKENS);
  const usage = {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
  };
  const cost = billedCostOf(explained.route.provider, explained.route.model, usage, prices);
  return {
    ...explained,
    expected: {
      usd: cost.usd,
      inputTokens,
      outputTokens,
      outputFrom: seen ? 'ledger' : 'default',
      samples: seen?.samples ?? 0,
      approximate: cost.approximate,
    },
  };
}
