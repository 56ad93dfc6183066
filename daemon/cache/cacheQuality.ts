import type { CacheStatsResult } from '../../protocol';
import { thresholdFor, type CacheSettings } from './cacheSettings';
import { LEXICAL_FIGURES } from './corpusFigures';

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

type Quality = Pick<CacheStatsResult['semantic'], 'threshold' | 'lexicalFigures' | 'providerAvailable' | 'qualityNote'>;

/**
 * What `cache stats` says of the semantic cache's quality: the threshold in force, the lexical
 * embedder's measured figures, and whether provider embeddings are on offer (`keyed`: the
 * providers with an embeddings API whose key the daemon can read).
 */
export function cacheQuality(
  s: CacheSettings,
  embedderId: string | undefined,
  keyed: readonly ('openai' | 'gemini')[],
): Quality {
  const id = embedderId ?? 'none';
  const kind = id.startsWith('lexical')
    ? 'lexical'
    : id.startsWith('provider')
      ? 'provider'
      : id === 'none'
        ? 'none'
        : 'local';
  const available = kind === 'provider' ? [] : keyed;
  const note =
    kind === 'lexical'
      ? `lexical finds ${pct(LEXICAL_FIGURES.corpus.recall)} of the paraphrases in the labelled corpus and ${pct(LEXICAL_FIGURES.unseen.recall)} in the unseen set at ${LEXICAL_FIGURES.threshold}, with ${pct(LEXICAL_FIGURES.corpus.wrongShareOfHits)} wrong hits; it misses rewordings with other words`
      : kind === 'provider'
        ? 'provider embeddings are not measured on the labelled pairs here: that needs a live key (npm run test:live); the guards still keep wrong hits out'
        : kind === 'local'
          ? 'the local model is not measured on the labelled pairs here: run the pairs bench with it installed'
          : 'no embedder';
  return {
    ...(embedderId !== undefined ? { threshold: thresholdFor(s.semantic, 'ask', id) } : {}),
    lexicalFigures: LEXICAL_FIGURES,
    ...(available.length ? { providerAvailable: [...available] } : {}),
    qualityNote: note,
  };
}
