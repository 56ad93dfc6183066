import type { AttemptRecord, ConduitErrorData } from '../../protocol';
import { targetLabel, type Target } from './fallbackPlan';

/**
 * The last step of the fallback chain: a short, honest answer that says the provider is
 * unavailable and what was tried, instead of a bare error. It is never cached.
 */
export function degradedAnswer(primary: Target, attempts: AttemptRecord[], error: ConduitErrorData): string {
  const tried = new Map<string, { count: number; last?: string }>();
  for (const a of attempts) {
    const label = targetLabel(a);
    const entry = tried.get(label) ?? { count: 0 };
    entry.count++;
    if (a.error) entry.last = a.error;
    tried.set(label, entry);
  }
  const lines = [...tried].map(
    ([label, t]) => `${label} (${t.count} attempt${t.count === 1 ? '' : 's'}${t.last ? `, ${t.last}` : ''})`,
  );
  const wait =
    error.retryAfterMs !== undefined ? ` The provider asked to wait ${Math.ceil(error.retryAfterMs / 1000)} s.` : '';
  return [
    `[Conduit] No answer is available right now: ${targetLabel(primary)} is unavailable (${error.code}).`,
    lines.length ? `Tried: ${lines.join('; ')}.` : '',
    `${wait} Try again shortly, or switch provider.`.trim(),
  ]
    .filter(Boolean)
    .join(' ');
}
