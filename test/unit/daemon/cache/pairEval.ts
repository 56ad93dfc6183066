import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalizeText } from '../../../../daemon/cache/cacheKey';
import { dot } from '../../../../daemon/cache/embedder';
import { lexicalVector } from '../../../../daemon/cache/lexicalEmbedder';
import { rejectReason } from '../../../../daemon/cache/semanticGuards';

export interface Pair { a: string; b: string; same: boolean; why?: string }

export function loadPairs(): Pair[] {
  const file = path.join(__dirname, '../../../fixtures/semantic/pairs.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { pairs: Pair[] }).pairs;
}

export interface PairScore { pair: Pair; similarity: number; rejected: string | null }

/** What the semantic cache decides for each pair: the lexical similarity and the guards' verdict. */
export function scorePairs(pairs: readonly Pair[]): PairScore[] {
  return pairs.map((pair) => {
    const a = normalizeText(pair.a);
    const b = normalizeText(pair.b);
    return { pair, similarity: dot(lexicalVector(a), lexicalVector(b)), rejected: rejectReason(a, b) };
  });
}

/** Hit rate over the paraphrases and wrong-hit rate over the hard negatives at one threshold. */
export function ratesAt(scores: readonly PairScore[], threshold: number, guards = true): { hitRate: number; wrongHitRate: number; hits: number; wrongHits: number; positives: number; negatives: number } {
  const hit = (s: PairScore) => s.similarity >= threshold && (!guards || s.rejected === null);
  const pos = scores.filter((s) => s.pair.same);
  const neg = scores.filter((s) => !s.pair.same);
  const hits = pos.filter(hit).length;
  const wrongHits = neg.filter(hit).length;
  return { hitRate: hits / pos.length, wrongHitRate: wrongHits / neg.length, hits, wrongHits, positives: pos.length, negatives: neg.length };
}
