import type { ConduitConfig } from './config';

/**
 * Settings the daemon reads once, at start, because they size or build something that lives as
 * long as the process: the IPC frame limit, the idle timer, the cache's bounds, its embedder and
 * its ANN index.
 * Everything else applies with the next request.
 */
const FIXED_AT_START: readonly (readonly string[])[] = [
  ['maxMessageBytes'],
  ['idleTimeoutMinutes'],
  ['ledgerAck'],
  ['cache', 'maxEntries'],
  ['cache', 'maxBytes'],
  ['cache', 'semantic', 'embedder'],
  ['cache', 'semantic', 'localModelDir'],
  ['cache', 'semantic', 'provider'],
  ['cache', 'semantic', 'providerModel'],
  ['cache', 'semantic', 'annThreshold'],
  // Whether embeddings are batched is decided when the embedder is built; the windows apply live.
  ['cache', 'semantic', 'batch', 'enabled'],
  // Retention is the background maintenance's, built at start (daemon/usage/usageMaintenance.ts).
  ['usage', 'retentionDays'],
];

/**
 * The config paths whose value in `next` differs from the one the daemon started with and that
 * only a restart puts in force. Turning the semantic cache off applies at once; turning it on
 * needs the embedder, which is built at start.
 */
export function restartNeeded(started: ConduitConfig, next: ConduitConfig): string[] {
  const out: string[] = [];
  for (const path of FIXED_AT_START) {
    if (JSON.stringify(at(started, path)) !== JSON.stringify(at(next, path))) out.push(path.join('.'));
  }
  if (!started.cache.semantic.enabled && next.cache.semantic.enabled) out.push('cache.semantic.enabled');
  return out;
}

function at(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path)
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}
