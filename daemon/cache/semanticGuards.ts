import { allWords, contentWords, isFiller, synonym, words } from './promptWords';

/**
 * Cheap checks after a vector match. Embeddings (lexical or learned) rate "sort ascending" and
 * "sort descending" as near twins; these reject a candidate whenever the two prompts differ in
 * something that changes the answer. Each returns the reason, or null when the pair passes.
 */
export type Guard = (a: string, b: string) => string | null;

const NEGATIONS = new Set(['not', 'never', 'no', 'none', 'nothing', 'nobody', 'nowhere', 'neither', 'nor', 'without', 'except', 'excluding', 'exclude', 'cannot', 'avoid', 'unless', 'non']);

/** Each group holds words that point opposite ways; the words a prompt uses from them must match. */
const DIRECTIONS: string[][] = [
  ['ascending', 'asc', 'descending', 'desc', 'reverse', 'reversed'],
  ['before', 'after', 'prior', 'following'],
  ['increase', 'increment', 'decrease', 'decrement', 'grow', 'shrink'],
  ['min', 'minimum', 'max', 'maximum', 'smallest', 'largest', 'biggest', 'lowest', 'highest', 'least', 'most'],
  ['first', 'last', 'earliest', 'latest', 'oldest', 'newest', 'older', 'newer', 'previous', 'next'],
  ['up', 'down', 'upward', 'downward', 'left', 'right', 'above', 'below', 'top', 'bottom', 'upper', 'lower', 'uppercase', 'lowercase'],
  ['start', 'begin', 'beginning', 'end', 'ending', 'prefix', 'suffix', 'head', 'tail', 'leading', 'trailing'],
  ['enable', 'disable', 'on', 'off', 'open', 'close', 'lock', 'unlock', 'show', 'hide'],
  ['add', 'insert', 'append', 'prepend', 'delete', 'remove', 'drop'],
  ['encode', 'decode', 'encrypt', 'decrypt', 'compress', 'decompress', 'serialize', 'deserialize', 'parse', 'stringify'],
  ['import', 'export', 'upload', 'download', 'push', 'pull', 'send', 'receive', 'read', 'write', 'input', 'output', 'load', 'save'],
  ['more', 'less', 'fewer', 'greater', 'higher', 'larger', 'smaller', 'longer', 'shorter', 'faster', 'slower'],
  ['true', 'false', 'yes'],
  ['sync', 'synchronous', 'async', 'asynchronous'],
  ['client', 'server', 'frontend', 'backend'],
  ['horizontal', 'horizontally', 'vertical', 'vertically', 'row', 'rows', 'column', 'columns'],
  ['inner', 'outer', 'full', 'cross'],
  ['local', 'remote', 'global'],
];
const DIRECTION_WORDS = new Map<string, number>();
DIRECTIONS.forEach((group, i) => group.forEach((w) => DIRECTION_WORDS.set(w, i)));

/** Prepositions whose object says which way a request goes: "convert X to Y", "copy from A". */
const RELATIONS = new Set(['to', 'into', 'from', 'than', 'vs', 'versus', 'over', 'instead']);

function multiset(items: Iterable<string>): string {
  return [...items].sort().join('\u0000');
}

function sameSet(a: Iterable<string>, b: Iterable<string>): boolean {
  return multiset(new Set(a)) === multiset(new Set(b));
}

export const negationGuard: Guard = (a, b) => {
  const count = (t: string) => words(t).filter((w) => NEGATIONS.has(w)).length;
  return count(a) !== count(b) ? 'negation' : null;
};

const NUMBER = /(?<![\w.])[-+]?\d+(?:[.,]\d+)*(?:e[-+]?\d+)?%?/gi;
const NUMBER_WORDS = /\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|thousand|million|billion|half|twice|double|triple|once)\b/gi;
export const numberGuard: Guard = (a, b) => {
  const nums = (t: string) => [...(t.match(NUMBER) ?? []), ...(t.toLowerCase().match(NUMBER_WORDS) ?? [])];
  return multiset(nums(a)) !== multiset(nums(b)) ? 'numbers' : null;
};

const QUOTED = /"([^"]*)"|'([^'\s][^']*[^'\s]|[^'\s])'|`([^`]*)`|\u201c([^\u201d]*)\u201d/g;
export const quotedGuard: Guard = (a, b) => {
  const quoted = (t: string) => [...t.matchAll(QUOTED)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4] ?? '');
  return multiset(quoted(a)) !== multiset(quoted(b)) ? 'quoted strings' : null;
};

/** camelCase, PascalCase with an inner capital, snake_case, dotted.names, calls(), $vars, CONSTANTS. */
const IDENTIFIER = /\b[a-z]+(?:[A-Z][a-z0-9]*)+\b|\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+\b|\b\w+_\w+\b|\b[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+\b|\b[A-Za-z_$][\w$]*(?=\s*\()|\$\w+|\b[A-Z]{2,}[A-Z0-9_]*\b/g;
export const identifierGuard: Guard = (a, b) => {
  const ids = (t: string) => new Set(t.match(IDENTIFIER) ?? []);
  const ia = ids(a);
  const ib = ids(b);
  // "TypeScript" against a plain "typescript" is a name, not two identifiers; "userId" against
  // "userID" is two identifiers.
  const plain = (id: string, text: string) => /^[A-Z]/.test(id) && new RegExp(`\\b${id.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(text);
  const only = (x: Set<string>, y: Set<string>, other: string) => [...x].filter((id) => !y.has(id) && !plain(id, other));
  return only(ia, ib, b).length === 0 && only(ib, ia, a).length === 0 ? null : 'code identifiers';
};

/** Paths (with a slash) and file names (with a short extension). */
const PATH = /(?:[\w.~-]*[/\\][\w.\-/\\]*)|\b[\w-]+\.[a-z][a-z0-9]{0,5}\b/gi;
export const pathGuard: Guard = (a, b) => {
  const paths = (t: string) => (t.match(PATH) ?? []).map((p) => p.replace(/[/\\]+$/, ''));
  return sameSet(paths(a), paths(b)) ? null : 'file names or paths';
};

export const directionGuard: Guard = (a, b) => {
  const dirs = (t: string) => words(t).filter((w) => DIRECTION_WORDS.has(w) || DIRECTION_WORDS.has(synonym(w))).map(synonym);
  return sameSet(dirs(a), dirs(b)) ? null : 'direction words';
};

/** "string to int" against "int to string": the same words, the other way round. */
export const relationGuard: Guard = (a, b) => {
  const relations = (t: string) => {
    const out = new Map<string, Set<string>>();
    const ws = allWords(t);
    ws.forEach((w, i) => {
      if (!RELATIONS.has(w)) return;
      const next = ws.slice(i + 1).find((x) => !isFiller(x) || RELATIONS.has(x));
      if (!next) return;
      const set = out.get(w) ?? new Set<string>();
      set.add(next);
      out.set(w, set);
    });
    return out;
  };
  const ra = relations(a);
  const rb = relations(b);
  for (const [prep, objs] of ra) {
    const other = rb.get(prep);
    if (other && !sameSet(objs, other)) return `what "${prep}" refers to`;
  }
  return null;
};

/**
 * Every content word of one prompt must appear in the other. This is the strictest guard and
 * the one that keeps "list files in src" from answering "list files in test"; it is also what
 * limits recall to rewordings that keep the words.
 */
export const contentWordGuard: Guard = (a, b) => {
  return sameSet(contentWords(a), contentWords(b)) ? null : 'different content words';
};

export const GUARDS: readonly Guard[] = [negationGuard, numberGuard, quotedGuard, pathGuard, identifierGuard, directionGuard, relationGuard, contentWordGuard];

/** The first reason to reject the pair, or null when every guard passes. */
export function rejectReason(a: string, b: string, guards: readonly Guard[] = GUARDS): string | null {
  for (const g of guards) {
    const reason = g(a, b);
    if (reason) return reason;
  }
  return null;
}
