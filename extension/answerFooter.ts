import type { ChatResult } from '../protocol';
import { formatUsd } from './statusSummary';

/** "anthropic/claude-… · $0.0012 · cached (exact) · fallbacks: openai/gpt-… · 1.4 s". Pure. */
export function answerFooter(result: ChatResult): string {
  const parts = [`${result.provider}/${result.model}`];
  if (result.costUsd === null) parts.push('unknown price');
  else if (result.costUsd !== undefined) parts.push(formatUsd(result.costUsd));
  parts.push(
    result.cache === 'none'
      ? result.coalesced
        ? 'shared an identical request'
        : 'not cached'
      : `cached (${result.cache})`,
  );
  if (result.cache !== 'none' && typeof result.costSavedUsd === 'number')
    parts.push(`saved ${formatUsd(result.costSavedUsd)}`);
  if (result.fallbacks.length > 0) parts.push(`fallbacks: ${result.fallbacks.join(' → ')}`);
  if (result.degraded) parts.push(`degraded: ${result.degraded.message}`);
  parts.push(`${(result.latencyMs / 1000).toFixed(1)} s`);
  return parts.join(' · ');
}
