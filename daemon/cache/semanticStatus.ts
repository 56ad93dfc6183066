import type { SemanticCacheStatus } from '../../protocol/daemon';
import { describeNativeFailure, nativeFailures } from '../platform/nativeModule';
import { loadUsearch } from './usearchIndex';

let embedderChoice: { embedder: string; reason: string } = {
  embedder: 'lexical',
  reason: 'the default (conduit.cache.semantic.embedder = lexical)',
};

/** chooseEmbedder() says here what it chose and why, for `conduit status` and the panel. */
export function recordEmbedderChoice(embedder: string, reason: string): void {
  embedderChoice = { embedder, reason };
}

/** The embedder in use and the vector index a large scope gets, each with its reason. */
export function semanticCacheStatus(): SemanticCacheStatus {
  const usearch = loadUsearch() !== undefined;
  const failure = nativeFailures().find((f) => f.module === 'usearch');
  return {
    embedder: embedderChoice.embedder,
    embedderReason: embedderChoice.reason,
    index: usearch ? 'usearch HNSW + brute force' : 'brute force',
    indexReason: usearch
      ? 'usearch loaded: scopes past the ANN threshold use an HNSW graph, smaller ones exact search'
      : (failure ?? describeNativeFailure('usearch', 'usearch could not be loaded')).message,
  };
}
