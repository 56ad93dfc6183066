import type { CacheEntry } from '../cache/cacheEntry';

/**
 * A cache entry as the team's Redis holds it. The answer is the point of a shared cache, so it
 * is always there; the prompt and the request's messages (prompt text) only when the user turned
 * sampling on. Without them another daemon can still answer the exact request (the key is a
 * hash of it) but cannot match it semantically: the false-hit guards need the prompt's words.
 */
export function encodeEntry(entry: CacheEntry, withPrompt: boolean): string {
  const { vector, hits: _hits, ...rest } = entry;
  const request = withPrompt ? entry.request : { ...entry.request, messages: [], system: undefined };
  return JSON.stringify({
    ...rest,
    request,
    prompt: withPrompt ? entry.prompt : '',
    // Without the prompt the vector is useless to others (and is a fingerprint of the prompt).
    ...(withPrompt && vector
      ? { vector: Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') }
      : {}),
  });
}

export function decodeEntry(text: string): CacheEntry | undefined {
  try {
    const raw = JSON.parse(text) as Omit<CacheEntry, 'vector' | 'hits'> & { vector?: string };
    if (typeof raw.key !== 'string' || typeof raw.text !== 'string' || typeof raw.expiresAt !== 'number')
      return undefined;
    const { vector, ...rest } = raw;
    const entry: CacheEntry = { ...rest, hits: 0 };
    if (typeof vector === 'string' && raw.embedder) {
      const bytes = Buffer.from(vector, 'base64');
      entry.vector = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    } else {
      delete entry.embedder;
    }
    return entry;
  } catch {
    return undefined;
  }
}
