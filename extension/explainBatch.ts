import type { BatchItemResult } from '../protocol';
import { explainRequest } from './explainPrompt';

/** One symbol to explain: where it is, and the code and hash it had when it was sent. */
export interface SymbolTarget {
  name: string;
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
  code: string;
  hash: string;
}

/** A batch of explanations the window waits for; kept in workspace state, so it survives a reload. */
export interface PendingExplainBatch {
  jobId: string;
  uri: string;
  languageId: string;
  submittedAt: number;
  /** By custom id. */
  targets: Record<string, SymbolTarget>;
}

export type MatchedExplanation =
  | { customId: string; target: SymbolTarget; ok: true; text: string; model: string | null }
  | { customId: string; target: SymbolTarget; ok: false; message: string };

/** The batch's JSON lines, one per symbol, each with an id its result comes back under. Pure. */
export function explainBatchLines(
  targets: readonly SymbolTarget[],
  languageId: string,
): { lines: string[]; byId: Record<string, SymbolTarget> } {
  const byId: Record<string, SymbolTarget> = {};
  const lines = targets.map((t, i) => {
    const customId = `sym-${i + 1}`;
    byId[customId] = t;
    return JSON.stringify({ custom_id: customId, ...explainRequest(t.code, languageId) });
  });
  return { lines, byId };
}

/** Results back to their symbols by custom id; a result for an unknown id is dropped. Pure. */
export function matchExplanations(
  pending: PendingExplainBatch,
  results: readonly BatchItemResult[],
): MatchedExplanation[] {
  const out: MatchedExplanation[] = [];
  for (const r of results) {
    const target = pending.targets[r.customId];
    if (!target) continue;
    if (r.state === 'succeeded' && r.text !== null)
      out.push({ customId: r.customId, target, ok: true, text: r.text, model: r.model });
    else
      out.push({
        customId: r.customId,
        target,
        ok: false,
        message: r.errorMessage ?? `the request ${r.state === 'pending' ? 'has no result yet' : r.state}`,
      });
  }
  return out;
}

/** Runs `work` over `items` with at most `limit` at once, in order of start. Pure. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}
