/**
 * Word-level normalization shared by the lexical embedder and the false-hit guards, so both agree
 * on what "the same words" means. Only the prose of a prompt goes through here; code is compared
 * by codeText.ts, where whitespace and symbols carry meaning.
 */

const CONTRACTIONS: [RegExp, string][] = [
  [/\bcan't\b/g, 'can not'],
  [/\bwon't\b/g, 'will not'],
  [/\bshan't\b/g, 'shall not'],
  [/n't\b/g, ' not'],
  [/'re\b/g, ' are'],
  [/\bwhat's\b/g, 'what is'],
  [/\bwhats\b/g, 'what is'],
  [/\bhows\b/g, 'how is'],
  [/\bit's\b/g, 'it is'],
  [/\bthat's\b/g, 'that is'],
  [/'d\b/g, ' would'],
  [/'ll\b/g, ' will'],
  [/'ve\b/g, ' have'],
  [/'m\b/g, ' am'],
  [/'s\b/g, ''],
];

/**
 * Phrases that frame a question rather than say what it asks. They go before any guard looks at
 * the words: "how to" is framing, not the relation "to", and "what's the way to" asks the same as
 * "how do I". Greetings and sign-offs go too.
 */
const FRAMING: RegExp[] = [
  /\b(?:hi|hello|hey)\b[!,.]?/g,
  /\bquick question\b[:\-,]?/g,
  /\bthanks in advance\b[:\-,]?/g,
  /\b(?:any idea|do you know|i(?: am|'m) trying to figure out|i want to know|i would like to know|i need to know|can someone (?:explain|tell me)|can you help me understand|help me understand)\b/g,
  /^\s*help\s*:/g,
  /\b(?:what is|what are) the (?:best |correct |proper |right |easiest |simplest |quickest |fastest |recommended )?(?:way|ways|command|syntax) (?:to|for)\b/g,
  /\b(?:is there a way|is it possible|how (?:can|do|would|should|could) (?:i|you|we|one)|how to|the (?:best|correct|proper|right|easiest|simplest) way) to\b/g,
  /\b(?:how (?:can|do|would|should|could) (?:i|you|we|one))\b/g,
  /\b(?:want|need|trying|able|have|going|way|ways|possible|like) to\b/g,
  /\bexplain (?:to me )?how\b/g,
  /\bhow to\b/g,
];

/**
 * Words that carry no part of what is asked: "please", "tell me", "the". Negations, direction and
 * relation words are deliberately absent; they have their own guards.
 */
const FILLER = new Set(
  `a an the is are was were be been being am do does did doing can could would should will shall may might must
i me my mine we us our you your yours it its this that these those there here how what why when where which who whom whose
please tell show explain describe give help want need like know let just also really briefly simply way ways possible
for on at about as and or so if some any thing things hi hello hey thanks thank kindly correct proper properly best good
get make use using used via within someone anyone understand idea trying figure out quick question advance
syntax purpose meaning mean means work works working explained explanation nowadays now mine see between`.split(/\s+/),
);

/** Equivalences developers use interchangeably, canonical form on the right. A wrong entry makes wrong hits. */
const SYNONYMS: Record<string, string> = {
  remove: 'delete',
  erase: 'delete',
  eliminate: 'delete',
  rm: 'delete',
  quick: 'fast',
  quicker: 'fast',
  faster: 'fast',
  quickest: 'fast',
  fastest: 'fast',
  quickly: 'fast',
  speedy: 'fast',
  method: 'function',
  func: 'function',
  fn: 'function',
  dir: 'directory',
  folder: 'directory',
  folders: 'directory',
  directories: 'directory',
  js: 'javascript',
  ts: 'typescript',
  py: 'python',
  python3: 'python',
  golang: 'go',
  postgresql: 'postgres',
  k8s: 'kubernetes',
  osx: 'macos',
  mac: 'macos',
  repo: 'repository',
  repos: 'repository',
  db: 'database',
  dict: 'dictionary',
  dicts: 'dictionary',
  dictionaries: 'dictionary',
  params: 'parameter',
  param: 'parameter',
  parameters: 'parameter',
  args: 'argument',
  arg: 'argument',
  arguments: 'argument',
  lib: 'library',
  libs: 'library',
  config: 'configuration',
  env: 'environment',
  vars: 'variable',
  var: 'variable',
  variables: 'variable',
  mistake: 'error',
  bug: 'error',
  bugs: 'error',
  errors: 'error',
  exception: 'error',
  exceptions: 'error',
  difference: 'differ',
  differences: 'differ',
  different: 'differ',
  differs: 'differ',
  vs: 'versus',
  create: 'create',
  creating: 'create',
  build: 'create',
  generate: 'create',
  building: 'create',
  generating: 'create',
  obtain: 'get',
  retrieve: 'get',
  fetching: 'get',
  combine: 'merge',
  concatenate: 'join',
  concat: 'join',
  terminate: 'kill',
  execute: 'run',
  launch: 'run',
  quit: 'exit',
  modify: 'change',
  alter: 'change',
  edit: 'change',
  verify: 'check',
  detect: 'find',
  determine: 'check',
  whether: 'if',
  dependencies: 'package',
  dependency: 'package',
  packages: 'package',
  call: 'request',
  into: 'to',
  onto: 'onto',
  declaration: 'declare',
  installation: 'install',
  deletion: 'delete',
};

/** Number words as digits, so "two parts" and "2 parts" are one request and "2" against "3" is not. */
export const NUMBER_WORDS: Readonly<Record<string, string>> = {
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  ten: '10',
  eleven: '11',
  twelve: '12',
  fifteen: '15',
  twenty: '20',
  thirty: '30',
  fifty: '50',
  hundred: '100',
  thousand: '1000',
};

/** Lower case, contractions expanded, framing dropped, punctuation (except inside identifiers) turned into spaces. */
export function words(text: string): string[] {
  return rawWords(dropFraming(text));
}

/** Lower case and contractions expanded, framing phrases removed. */
export function dropFraming(text: string): string {
  let t = text.toLowerCase().replace(/[\u2018\u2019]/g, "'");
  for (const [re, to] of CONTRACTIONS) t = t.replace(re, to);
  for (const re of FRAMING) t = t.replace(re, ' ');
  return t;
}

/** Words of already lowered text. C++, C# and F# keep their sign: they are other languages than C and F. */
function rawWords(t: string): string[] {
  return (
    t
      .replace(/\b([a-z])\+\+/g, '$1plusplus')
      .replace(/\b([a-z])#/g, '$1sharp')
      // A version glued to a name is a name and a number: "python3" is "python 3".
      .replace(
        /\b(python|php|node|java|vue|angular|react|ruby|perl|html|http|ipv|tls|es|webpack|ubuntu)(\d+(?:\.\d+)*)\b/g,
        '$1 $2',
      )
      .split(/[^a-z0-9_.$/\\]+/)
      .map((w) => w.replace(/^[.\-/\\]+|[.\-/\\]+$/g, ''))
      .filter((w) => w.length > 0)
  );
}

/** Words that end like a plural or a tense and are neither: "https" is not "http", "windows" not "window". */
const NO_STEM = new Set(
  `https http2 redis axios postgres kubernetes jenkins status canvas alias analysis basis chaos express
windows macos aws dns less sass css unless previous various bonus corpus news series always across process access
address success class pass glass boss bias`.split(/\s+/),
);

/** Crude suffix stripping: enough to make "sorting", "sorts" and "sorted" one word. */
export function stem(word: string): string {
  if (word.length <= 4 || /[^a-z]/.test(word) || NO_STEM.has(word)) return word;
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
  return SYNONYMS[word] ?? NUMBER_WORDS[word] ?? word;
}

export function canonical(word: string): string {
  const syn = SYNONYMS[word] ?? NUMBER_WORDS[word];
  if (syn) return syn;
  const s = stem(word);
  return SYNONYMS[s] ?? s;
}

/** The words that carry what a prompt asks, normalized; in order, repeats kept. */
export function contentWords(text: string): string[] {
  return contentTokens(text).map((t) => t.word);
}

/** Content words with the word as typed beside its normal form, so a typo can be matched on either. */
export function contentTokens(text: string): { raw: string; word: string }[] {
  return words(text)
    .filter((w) => !FILLER.has(w))
    .map((raw) => ({ raw, word: canonical(raw) }))
    .filter((t) => !FILLER.has(t.word));
}

/** Words as a sequence, filler kept (for guards that look at what follows a preposition). */
export function allWords(text: string): string[] {
  return words(text).map((w) => (FILLER.has(w) ? w : canonical(w)));
}

/** Words as a sequence, each with whether it is filler as typed. */
export function taggedWords(text: string): { word: string; filler: boolean }[] {
  return words(text).map((w) => (FILLER.has(w) ? { word: w, filler: true } : { word: canonical(w), filler: false }));
}

export function isFiller(word: string): boolean {
  return FILLER.has(word);
}

/**
 * Whether two normalized words are one: equal, or one typo apart (a letter missing, added,
 * changed, or two swapped) in words of at least five letters. Shorter words, and words with
 * digits or symbols, must match exactly: "c" and "r", "v2" and "v3", "main.go" and "main.rs".
 */
export function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length < 5 || b.length < 5 || /[^a-z]/.test(a) || /[^a-z]/.test(b)) return false;
  if (Math.abs(a.length - b.length) > 1) return false;
  // A different first letter is another word far more often than a typo: "encode" and "decode".
  if (a[0] !== b[0]) return false;
  return oneEdit(a, b);
}

function oneEdit(a: string, b: string): boolean {
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 1) return true;
    return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]] && a[diff[1]] === b[diff[0]!];
  }
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < s.length && s[i] === l[i]) i++;
  return s.slice(i) === l.slice(i + 1);
}
