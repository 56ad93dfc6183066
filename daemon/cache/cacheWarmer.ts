import type { CacheWarmResult, ChatRequest, ChatResult } from '../../protocol';

export interface WarmDeps {
  state(request: ChatRequest): 'cached' | 'missing' | 'uncacheable';
  /** Sends a request whose lookup is known to miss: the caller marks it as warming, so the miss is not counted. */
  send(request: ChatRequest, index: number): Promise<ChatResult>;
  /** Embeds the prompts ahead in one batched call, so the lookups one by one find them ready. */
  prime?(requests: readonly ChatRequest[]): Promise<void>;
}

/**
 * Sends each request that is not cached yet, one at a time and at background priority, so warming
 * never competes with interactive work for the rate limits.
 */
export async function warmCache(
  requests: readonly ChatRequest[],
  deps: WarmDeps,
  signal?: AbortSignal,
): Promise<CacheWarmResult> {
  const out: CacheWarmResult = { warmed: 0, skipped: 0, alreadyCached: 0, notCacheable: 0, failed: 0, errors: [] };
  const background = requests.map((raw): ChatRequest => ({ ...raw, priority: 'background', stream: false }));
  // A request that cannot be primed (bad input) fails below with its own error.
  await deps
    .prime?.(
      background.filter((r) => {
        try {
          return deps.state(r) === 'missing';
        } catch {
          return false;
        }
      }),
    )
    .catch(() => undefined);
  for (const [i, request] of background.entries()) {
    if (signal?.aborted) break;
    try {
      const state = deps.state(request);
      if (state !== 'missing') {
        out.skipped++;
        if (state === 'cached') out.alreadyCached!++;
        else out.notCacheable!++;
        continue;
      }
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
