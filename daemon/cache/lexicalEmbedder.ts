import { normalize, type Embedder } from './embedder';
import { contentWords } from './promptWords';

const DIMENSIONS = 1024;

/**
 * Hashed character n-grams (3- and 4-grams inside words, with word boundaries) plus whole content
 * words, signed-hashed into 1024 dimensions and normalized. It needs no model and costs a few
 * microseconds, but it only sees surface form: it scores rewordings that keep the words (case,
 * punctuation, word order, filler, plurals) high and true paraphrases with other words low.
 */
export class LexicalEmbedder implements Embedder {
  readonly id = `lexical-v1-${DIMENSIONS}`;

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => lexicalVector(t));
  }
}

export function lexicalVector(text: string): Float32Array {
  const v = new Float32Array(DIMENSIONS);
  const words = contentWords(text);
  for (const w of words) {
    add(v, `w:${w}`, 2);
    const padded = ` ${w} `;
    for (const n of [3, 4]) {
      for (let i = 0; i + n <= padded.length; i++) add(v, padded.slice(i, i + n), 1);
    }
  }
  return normalize(v);
}

function add(v: Float32Array, feature: string, weight: number): void {
  const h = fnv1a(feature);
  const index = h % DIMENSIONS;
  // A second bit of the hash picks the sign, so collisions cancel out on average.
  v[index] = v[index]! + ((h >>> 16) & 1 ? weight : -weight);
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
