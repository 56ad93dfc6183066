import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { SemanticCacheStatus } from '../../protocol/daemon';
import { describeNativeFailure, nativeFailures } from '../platform/nativeModule';
import { loadUsearch, usearchTried } from './usearchIndex';

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
  // The status bar asks often: a prebuilt binary found for this platform answers without loading
  // it; a missing package or binary is loaded (and fails) so that its failure is recorded as before.
  const installed = !usearchTried() && usearchPrebuildPresent();
  const usearch = installed || loadUsearch() !== undefined;
  const failure = nativeFailures().find((f) => f.module === 'usearch');
  return {
    embedder: embedderChoice.embedder,
    embedderReason: embedderChoice.reason,
    index: usearch ? 'usearch HNSW + brute force' : 'brute force',
    indexReason: usearch
      ? `usearch ${installed ? 'installed (loaded when first needed)' : 'loaded'}: ` +
        'scopes past the ANN threshold use an HNSW graph, smaller ones exact search'
      : (failure ?? describeNativeFailure('usearch', 'usearch could not be loaded')).message,
  };
}

/**
 * Whether usearch and a native binary for this platform are installed, found the way usearch
 * finds it (node-gyp-build, usearch's own dependency), without loading either.
 */
function usearchPrebuildPresent(): boolean {
  try {
    const main = createRequire(__filename).resolve('usearch');
    const gypBuild = createRequire(main)('node-gyp-build') as { path(dir: string): string };
    // main is <package>/javascript/dist/cjs/usearch.js.
    gypBuild.path(path.resolve(path.dirname(main), '..', '..', '..'));
    return true;
  } catch {
    return false;
  }
}
