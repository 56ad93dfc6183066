import type { CacheWarmResult, ChatRequest, ChatResult } from '../../protocol';

export interface WarmDeps {
  state(request: ChatRequest): 'cached' | 'missing' | 'uncacheable';
  send(request: ChatRequest, index: number): Promise<ChatResult>;
}

/**
 * Sends each request that is not cached yet, one at a time and at background priority, so warming
 * never competes with interactive work for the rate limits.
 */
export async function warmCache(requests: readonly ChatRequest[], deps: WarmDeps, signal?: AbortSignal): Promise<CacheWarmResult> {
  const out: CacheWarmResult = { warmed: 0, skipped: 0, failed: 0, errors: [] };
  for (const [i, raw] of requests.entries()) {
    if (signal?.aborted) break;
    const request: ChatRequest = { ...raw, priority: 'background', stream: false };
    try {
      if (deps.state(request) !== 'missing') { out.skipped++; continue; }
      const result = await deps.send(request, i);
      if (result.degraded) throw new Error(result.degraded.message);
      out.warmed++;
    } catch (err) {
      out.failed++;
      if (out.errors.length < 50) out.errors.push(`#${i + 1}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}
