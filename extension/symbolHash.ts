import { createHash } from 'node:crypto';

/**
 * The content hash an explanation is filed under, and the rule that marks it stale. Pure.
 *
 * Edits that cannot change what the code means do not change the hash: line endings, trailing
 * spaces, blank lines around the code, and the indentation of the whole block (moving a function
 * into a class or namespace). Anything else does, including indentation inside the block, which
 * matters in Python and YAML.
 */
export function normalizeCode(code: string): string {
  const lines = code
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''));
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const indents = lines.filter((l) => l !== '').map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(common)).join('\n');
}

/** sha-256 of the language and the normalized code, hex. */
export function symbolHash(code: string, languageId = ''): string {
  return createHash('sha256').update(languageId).update('\0').update(normalizeCode(code)).digest('hex');
}

/** An explanation is stale once the code it explained hashes differently. */
export function isStale(explainedHash: string, currentCode: string, languageId = ''): boolean {
  return symbolHash(currentCode, languageId) !== explainedHash;
}

export interface CachedExplanation {
  hash: string;
  text: string;
  /** "provider/model" that wrote it. */
  model: string;
  requestId: string;
  createdAt: number;
}

/**
 * Finished explanations by content hash, newest kept, so explaining the same code again (in
 * another file, after an undo) shows the answer at once without asking the daemon.
 */
export class ExplanationCache {
  private readonly entries = new Map<string, CachedExplanation>();

  constructor(private readonly maxEntries = 200) {}

  get(code: string, languageId = ''): CachedExplanation | undefined {
    const hash = symbolHash(code, languageId);
    const hit = this.entries.get(hash);
    if (hit) {
      this.entries.delete(hash);
      this.entries.set(hash, hit);
    }
    return hit;
  }

  set(entry: CachedExplanation): void {
    this.entries.delete(entry.hash);
    this.entries.set(entry.hash, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
