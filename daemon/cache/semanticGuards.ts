import { codeFingerprint, splitPrompt } from './codeText';
import { contentTokens, dropFraming, NUMBER_WORDS, sameWord, synonym, taggedWords, words } from './promptWords';

/**
 * Cheap checks after a vector match. Embeddings (lexical or learned) rate "sort ascending" and
 * "sort descending", or "replace tabs with spaces" and "replace spaces with tabs", as near twins;
 * these reject a candidate whenever the two prompts differ in something that changes the answer.
 * Each returns the reason, or null when the pair passes. Guards read the prose of a prompt;
 * code blocks are compared by codeGuard alone.
 */
export type Guard = (a: string, b: string) => string | null;

const NEGATIONS = new Set([
  'not',
  'never',
  'no',
  'none',
  'nothing',
  'nobody',
  'nowhere',
  'neither',
  'nor',
  'without',
  'except',
  'excluding',
  'exclude',
  'cannot',
  'avoid',
  'unless',
  'non',
]);

/** Each group holds words that point opposite ways; when both prompts use words of a group, they must be the same words. */
const DIRECTIONS: string[][] = [
  ['ascending', 'asc', 'descending', 'desc', 'reverse', 'reversed'],
  ['before', 'after', 'prior', 'following'],
  ['increase', 'increment', 'decrease', 'decrement', 'grow', 'shrink'],
  ['min', 'minimum', 'max', 'maximum', 'smallest', 'largest', 'biggest', 'lowest', 'highest', 'least', 'most'],
  ['first', 'last', 'earliest', 'latest', 'oldest', 'newest', 'older', 'newer', 'previous', 'next'],
  [
    'up',
    'down',
    'upward',
    'downward',
    'left',
    'right',
    'above',
    'below',
    'top',
    'bottom',
    'upper',
    'lower',
    'uppercase',
    'lowercase',
  ],
  [
    'start',
    'begin',
    'beginning',
    'end',
    'ending',
    'prefix',
    'suffix',
    'head',
    'tail',
    'leading',
    'trailing',
    'starts',
    'ends',
  ],
  ['enable', 'disable', 'off', 'open', 'close', 'lock', 'unlock', 'show', 'hide'],
  ['add', 'insert', 'append', 'prepend', 'delete', 'drop', 'pop', 'install', 'uninstall'],
  [
    'encode',
    'decode',
    'encrypt',
    'decrypt',
    'compress',
    'decompress',
    'serialize',
    'deserialize',
    'parse',
    'stringify',
  ],
  [
    'import',
    'export',
    'upload',
    'download',
    'push',
    'pull',
    'send',
    'receive',
    'read',
    'write',
    'input',
    'output',
    'load',
    'save',
  ],
  ['more', 'less', 'fewer', 'greater', 'higher', 'larger', 'smaller', 'longer', 'shorter', 'fast', 'slower'],
  ['true', 'false', 'yes'],
  ['sync', 'synchronous', 'async', 'asynchronous'],
  ['client', 'server', 'frontend', 'backend'],
  ['horizontal', 'horizontally', 'vertical', 'vertically', 'row', 'rows', 'column', 'columns'],
  ['inner', 'outer', 'full', 'cross'],
  ['local', 'remote', 'global'],
  ['public', 'private', 'protected'],
  ['shallow', 'deep'],
  ['optimistic', 'pessimistic'],
];
const DIRECTION_WORDS = new Map<string, number>();
DIRECTIONS.forEach((group, i) => group.forEach((w) => DIRECTION_WORDS.set(w, i)));

/**
 * Words that relate two phrases, so that which phrase sits on which side is the question:
 * "convert X to Y", "replace X with Y", "X faster than Y", "A subset of B", "build then test".
 * "into" reads as "to" (promptWords' synonyms); "instead of" is one relation.
 */
const RELATIONS = new Set([
  'to',
  'from',
  'than',
  'versus',
  'over',
  'instead',
  'with',
  'by',
  'of',
  'onto',
  'in',
  'then',
  'before',
  'after',
  'per',
]);
/** Relations whose left side is as much part of the question as the right: "a set of X" is not "a subset of X". */
const LEFT_MATTERS = new Set(['of', 'per']);

function multiset(items: Iterable<string>): string {
  return [...items].sort().join('\u0000');
}

function sameSet(a: Iterable<string>, b: Iterable<string>): boolean {
  return multiset(new Set(a)) === multiset(new Set(b));
}

interface Token {
  raw: string;
  word: string;
}

/** Every word of `small` pairs with its own word of `big`. */
function subBag(small: readonly Token[], big: readonly Token[]): boolean {
  const rest = [...big];
  for (const t of small) {
    let i = rest.findIndex((x) => x.word === t.word);
    if (i < 0) i = rest.findIndex((x) => sameWord(t.raw, x.raw) || sameWord(t.word, x.word));
    if (i < 0) return false;
    rest.splice(i, 1);
  }
  return true;
}
const token = (w: string): Token => ({ raw: w, word: w });

/**
 * Every word of one list pairs with its own word of the other: the same normal form, or one
 * typo apart as typed or as normalized ("differnce" is "difference", "pyhton" is "python").
 */
function sameBag(a: readonly Token[], b: readonly Token[]): boolean {
  return a.length === b.length && subBag(a, b);
}

const prose = (t: string) => splitPrompt(t).prose;

export const negationGuard: Guard = (a, b) => {
  const count = (t: string) => words(prose(t)).filter((w) => NEGATIONS.has(w)).length;
  return count(a) !== count(b) ? 'negation' : null;
};

const NUMBER = /^\d+(?:[.,]\d+)*%?$/;
const MULTIPLIERS = /\b(half|twice|double|triple|once)\b/gi;
/** Digits and number words alike: "2 parts" is "two parts", and neither is "3 parts". */
export const numberGuard: Guard = (a, b) => {
  const nums = (t: string) => {
    const p = prose(t).toLowerCase();
    const ws = words(p);
    const named = ws.map((w) => NUMBER_WORDS[w]).filter((n): n is string => n !== undefined);
    return [...ws.filter((w) => NUMBER.test(w)), ...named, ...(p.match(MULTIPLIERS) ?? [])];
  };
  return multiset(nums(a)) !== multiset(nums(b)) ? 'numbers' : null;
};

const QUOTED = /"([^"\n]*)"|'([^'\s][^'\n]*[^'\s]|[^'\s])'|`([^`\n]*)`|\u201c([^\u201d]*)\u201d/g;
/**
 * A quoted string must appear in the other prompt, quoted or not: `git stash` and git stash ask
 * the same, "a  b" and "a b" do not. Case counts only inside camelCase and other mixed-case text.
 */
export const quotedGuard: Guard = (a, b) => {
  const quoted = (t: string) =>
    [...prose(t).matchAll(QUOTED)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').filter((q) => q.trim());
  const found = (q: string, other: string) => {
    const text = prose(other);
    if (text.includes(q)) return true;
    return !/[a-z][A-Z]/.test(q) && text.toLowerCase().includes(q.toLowerCase());
  };
  const missing = quoted(a).some((q) => !found(q, b)) || quoted(b).some((q) => !found(q, a));
  return missing ? 'quoted strings' : null;
};

/** camelCase, PascalCase with an inner capital, snake_case, dotted.names, calls(), $vars, CONSTANTS. */
const IDENTIFIER =
  /\b[a-z]+(?:[A-Z][a-z0-9]*)+\b|\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+\b|\b\w+_\w+\b|\b[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+\b|\b[A-Za-z_$][\w$]*(?=\s*\()|\$\w+|\b[A-Z]{2,}[A-Z0-9_]*\b/g;
export const identifierGuard: Guard = (a, b) => {
  const ids = (t: string) => new Set(prose(t).match(IDENTIFIER) ?? []);
  const ia = ids(a);
  const ib = ids(b);
  // "TypeScript" against a plain "typescript" is a name, not two identifiers; "userId" against
  // "userID" is two identifiers. An all-caps word ("JSON", "CORS") read as plain text is the same word.
  // A capitalized single word ("TypeScript", "GraphQL", "JS", "SIGTERM") is a name: the content-word
  // guard compares it, case aside and with its synonyms.
  const plain = (id: string) => /^[A-Z][A-Za-z0-9]*$/.test(id);
  const called = (id: string, text: string) =>
    prose(text).includes(id) || (!/[a-z][A-Z]/.test(id) && prose(text).toLowerCase().includes(id.toLowerCase()));
  const only = (x: Set<string>, y: Set<string>, other: string) =>
    [...x].filter((id) => !y.has(id) && !plain(id) && !called(id, other));
  return only(ia, ib, b).length === 0 && only(ib, ia, a).length === 0 ? null : 'code identifiers';
};

/** Paths (with a slash) and file names (with a short extension). */
const PATH = /(?:[\w.~-]*[/\\][\w.\-/\\]*)|\b[\w-]+\.[a-z][a-z0-9]{0,5}\b/gi;
export const pathGuard: Guard = (a, b) => {
  const paths = (t: string) =>
    (prose(t).match(PATH) ?? []).map((p) => p.replace(/[/\\]+$/, '').toLowerCase()).filter((p) => p.length > 1);
  return sameSet(paths(a), paths(b)) ? null : 'file names or paths';
};

export const directionGuard: Guard = (a, b) => {
  const groups = (t: string) => {
    const out = new Map<number, Set<string>>();
    for (const w of words(prose(t))) {
      const s = synonym(w);
      const g = DIRECTION_WORDS.get(w) ?? DIRECTION_WORDS.get(s);
      if (g === undefined) continue;
      out.set(g, (out.get(g) ?? new Set()).add(DIRECTION_WORDS.has(w) ? w : s));
    }
    return out;
  };
  const ga = groups(a);
  const gb = groups(b);
  for (const [g, used] of ga) {
    const other = gb.get(g);
    if (other && !sameSet(used, other)) return 'direction words';
  }
  return null;
};

interface Relation {
  word: string;
  left: string[];
  right: string[];
}

/**
 * Each relation word with the phrase on either side: the content words back to the previous
 * relation or punctuation, and on to the next. Question framing is dropped first, so the "to"
 * of "how to" is never a relation.
 */
export function relationsOf(text: string): Relation[] {
  const clauses = dropFraming(prose(text))
    .replace(/\binstead of\b/g, 'instead')
    .split(/[,;:?!\n]|\.(?:\s|$)/);
  const out: Relation[] = [];
  for (const clause of clauses) {
    let phrase: string[] = [];
    let open: Relation | undefined;
    for (const { word: w, filler } of taggedWords(clause)) {
      if (RELATIONS.has(w)) {
        if (open) open.right = phrase;
        open = { word: w, left: phrase, right: [] };
        out.push(open);
        phrase = [];
      } else if (!filler) {
        phrase.push(w);
      }
    }
    if (open) open.right = phrase;
  }
  return out;
}

/** "string to int" against "int to string", "tabs with spaces" against "spaces with tabs". */
export const relationGuard: Guard = (a, b) => {
  const ra = relationsOf(a);
  const rb = relationsOf(b);
  for (const word of new Set(ra.map((r) => r.word))) {
    const xa = ra.filter((r) => r.word === word);
    const xb = rb.filter((r) => r.word === word);
    if (xb.length === 0 || xa.length !== xb.length) continue;
    for (let i = 0; i < xa.length; i++) {
      const p = xa[i]!;
      const q = xb[i]!;
      // The content-word guard has already matched the words overall, so a phrase that holds the
      // other's words and more only took a modifier from elsewhere ("in a PostgreSQL database"
      // against "PostgreSQL ... in a database"); two phrases that do not contain each other swapped.
      if (
        p.right.length &&
        q.right.length &&
        !subBag(p.right.map(token), q.right.map(token)) &&
        !subBag(q.right.map(token), p.right.map(token))
      ) {
        return `what "${word}" refers to`;
      }
      if ((p.right.length === 0) !== (q.right.length === 0) && p.left.length && q.left.length)
        return `what "${word}" refers to`;
      if (LEFT_MATTERS.has(word) && p.left.length && q.left.length && !sameWord(p.left.at(-1)!, q.left.at(-1)!))
        return `what "${word}" refers to`;
    }
  }
  return null;
};

/**
 * Every content word of one prompt must appear in the other, as often (a typo of five letters or
 * more counts as the word). This is the strictest guard and the one that keeps "list files in
 * src" from answering "list files in test"; it is also what limits recall to rewordings that keep
 * the words, or use the synonyms promptWords knows.
 */
export const contentWordGuard: Guard = (a, b) => {
  const ca = contentTokens(prose(a)).filter((t) => !RELATIONS.has(t.word));
  const cb = contentTokens(prose(b)).filter((t) => !RELATIONS.has(t.word));
  return sameBag(ca, cb) ? null : 'different content words';
};

/** Code must be the same code: same tokens and literals, and the same nesting where indentation is syntax. */
export const codeGuard: Guard = (a, b) => {
  const fa = splitPrompt(a).code.map(codeFingerprint);
  const fb = splitPrompt(b).code.map(codeFingerprint);
  return fa.length === fb.length && fa.every((f, i) => f === fb[i]) ? null : 'different code';
};

export const GUARDS: readonly Guard[] = [
  codeGuard,
  negationGuard,
  numberGuard,
  quotedGuard,
  pathGuard,
  identifierGuard,
  directionGuard,
  contentWordGuard,
  relationGuard,
];

/** The first reason to reject the pair, or null when every guard passes. */
export function rejectReason(a: string, b: string, guards: readonly Guard[] = GUARDS): string | null {
  for (const g of guards) {
    const reason = g(a, b);
    if (reason) return reason;
  }
  return null;
}
