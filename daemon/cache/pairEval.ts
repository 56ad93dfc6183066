import { dot } from './embedder';
import { normalizeText } from './cacheKey';
import { rejectReason } from './semanticGuards';

/** A labelled prompt pair: `same` when one cached answer is right for both. */
export interface LabelledPair {
  a: string;
  b: string;
  same: boolean;
  category?: string;
  why?: string;
}

export interface ScoredPair {
  pair: LabelledPair;
  similarity: number;
  rejected: string | null;
}

export interface PairFigures {
  pairs: number;
  paraphrases: number;
  nearMisses: number;
  hits: number;
  wrongHits: number;
  /** Wrong hits as a share of all hits: how often a hit serves another question's answer. */
  wrongShareOfHits: number;
  /** Paraphrases that hit, as a share of all paraphrases. */
  recall: number;
}

/** Similarity by the given vectors and the guards' verdict for each pair, on the texts the cache compares. */
export function scorePairs(pairs: readonly LabelledPair[], vectors: (texts: string[]) => Float32Array[]): ScoredPair[] {
  const texts = pairs.flatMap((p) => [normalizeText(p.a), normalizeText(p.b)]);
  const v = vectors(texts);
  return pairs.map((pair, i) => ({
    pair,
    similarity: dot(v[2 * i]!, v[2 * i + 1]!),
    rejected: rejectReason(texts[2 * i]!, texts[2 * i + 1]!),
  }));
}

export function figuresAt(scored: readonly ScoredPair[], threshold: number, guards = true): PairFigures {
  const hit = (s: ScoredPair) => s.similarity >= threshold && (!guards || s.rejected === null);
  const pos = scored.filter((s) => s.pair.same);
  const neg = scored.filter((s) => !s.pair.same);
  const hits = pos.filter(hit).length;
  const wrongHits = neg.filter(hit).length;
  const all = hits + wrongHits;
  return {
    pairs: scored.length,
    paraphrases: pos.length,
    nearMisses: neg.length,
    hits,
    wrongHits,
    wrongShareOfHits: all === 0 ? 0 : wrongHits / all,
    recall: pos.length === 0 ? 0 : hits / pos.length,
  };
}

/** The same figures for each category of pair. */
export function figuresByCategory(scored: readonly ScoredPair[], threshold: number): Map<string, PairFigures> {
  const out = new Map<string, PairFigures>();
  const cats = [...new Set(scored.map((s) => s.pair.category ?? 'none'))].sort();
  for (const c of cats)
    out.set(
      c,
      figuresAt(
        scored.filter((s) => (s.pair.category ?? 'none') === c),
        threshold,
      ),
    );
  return out;
}
