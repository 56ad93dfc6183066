/**
 * Word-level normalization shared by the lexical embedder and the false-hit guards, so both agree
 * on what "the same words" means.
 */

const CONTRACTIONS: [RegExp, string][] = [
  [/\bcan't\b/g, 'can not'], [/\bwon't\b/g, 'will not'], [/\bshan't\b/g, 'shall not'],
  [/n't\b/g, ' not'], [/'re\b/g, ' are'], [/'s\b/g, ' is'], [/'d\b/g, ' would'], [/'ll\b/g, ' will'], [/'ve\b/g, ' have'], [/'m\b/g, ' am'],
];

/**
 * Words that frame a question rather than say what it asks: "how do I", "can you explain",
 * "please". Negations and direction words are deliberately absent; they have their own guards.
 */
const FILLER = new Set(`a an the is are was were be been being am do does did doing can could would should will shall may might must
i me my mine we us our you your yours it its this that these those there here how what why when where which who whom whose
please tell show explain describe give help want need like know let just also really quickly briefly simply way ways possible
to of for in on at by with about as and or so if then some any one thing things hi hello hey thanks thank kindly correct proper properly best good
write get make go use using used via within`.split(/\s+/));

/** A few safe equivalences, canonical form last. Deliberately short: a wrong entry makes wrong hits. */
const SYNONYMS: Record<string, string> = {
  remove: 'delete', erase: 'delete', eliminate: 'delete',
  quick: 'fast', quicker: 'fast', faster: 'fast',
  program: 'code', script: 'code', snippet: 'code',
  method: 'function', func: 'function', fn: 'function',
  dir: 'directory', folder: 'directory', folders: 'directory', directories: 'directory',
  js: 'javascript', ts: 'typescript', py: 'python',
  mistake: 'error', bug: 'error', bugs: 'error', issue: 'error',
  meaning: 'mean', means: 'mean', difference: 'differ', differences: 'differ', different: 'differ',
};

/** Lower case, contractions expanded, punctuation (except inside identifiers) turned into spaces. */
export function words(text: string): string[] {
  let t = text.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  for (const [re, to] of CONTRACTIONS) t = t.replace(re, to);
  return t.split(/[^a-z0-9_.$/\\-]+/).map((w) => w.replace(/^[.\-/\\]+|[.\-/\\]+$/g, '')).filter((w) => w.length > 0);
}

/** Crude suffix stripping: enough to make "sorting", "sorts" and "sorted" one word. */
export function stem(word: string): string {
  if (word.length <= 4 || /[^a-z]/.test(word)) return word;
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      if (suffix === 's' && word.endsWith('ss')) return word;
      return word.slice(0, -suffix.length);
    }
  }
  return word;
}

/** The synonym table's form of a word, without stemming. */
export function synonym(word: string): string {
  return SYNONYMS[word] ?? word;
}

function canonical(word: string): string {
  const syn = SYNONYMS[word];
  return syn ?? stem(word);
}

/** The words that carry what a prompt asks, normalized; in order, repeats kept. */
export function contentWords(text: string): string[] {
  return words(text).filter((w) => !FILLER.has(w)).map(canonical);
}

/** Words as a sequence, filler kept (for guards that look at what follows a preposition). */
export function allWords(text: string): string[] {
  return words(text).map((w) => (FILLER.has(w) ? w : canonical(w)));
}

export function isFiller(word: string): boolean {
  return FILLER.has(word);
}
