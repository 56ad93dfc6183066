/**
 * What a request says about the work it asks for, read from its text: whether it asks to produce
 * something (and how small that thing is), how many requirements it lists, how much code it
 * carries and of what kind, and which words mark reasoning. The classifier weighs these; nothing
 * here decides a tier.
 */

export type CodeKind = 'none' | 'config' | 'code' | 'concurrent';

export interface RequestSignals {
  /** Asks to write, create, implement, build or generate something (a function, query, workflow…). */
  generation: boolean;
  /** What it asks for is small by nature: a one-liner, a command, a regex, a cron line. */
  smallArtifact: boolean;
  /** What it asks for is an algorithm or data structure (a parser, a cache, a tree), not glue or configuration. */
  algorithmic: boolean;
  /** Requirements beyond the first clause: clauses, "and", commas, bullet points. */
  requirements: number;
  /** Different things asked for: "convert … and write tests" is two. */
  asks: string[];
  codeLines: number;
  codeKind: CodeKind;
  strongMarkers: string[];
  lightMarkers: string[];
  /** Asks for a short answer: "in one sentence", "yes or no". */
  brief: boolean;
  proseWords: number;
  questions: number;
  /** The start of the prose, to tell a question from a task. */
  firstWords: string;
}

const FENCE_RE = /```([^\n]*)\n([\s\S]*?)(?:```|$)/g;

/** A request that opens (or opens a sentence) with a verb of making: "Write a…", "Can you implement…". */
const GENERATE_VERBS =
  /(?:^|[.:!?]\s+|\n)\s*(?:please\s+|(?:can|could) you\s+)?(write|create|implement|build|generate|make|scaffold|set up|add|develop)\b/;
const SMALL_ARTIFACTS =
  /\b(one[- ]liners?|one line|single line|command|regex|regular expression|expression|alias|cron|a line|\.gitignore line)\b/;
const ALGORITHMIC =
  /\b(parser|lexer|cache|lru|trie|tree|heap|queue|graph|sort|search|algorithm|linked list|interpreter|compiler|scheduler|allocator|limiter|diff|hash|matrix|sudoku|intervals?)\b/;
const TEST_ARTIFACT = /^\s*(?:\w+\s+){0,3}(?:unit |integration |table-driven |e2e )?tests?\b/;
const CONFIG_LANGS =
  /^(ya?ml|json|toml|ini|dockerfile|docker|make|makefile|nginx|conf|hcl|terraform|tf|properties|env|xml|diff|csv|gitignore)$/;
const CONCURRENCY =
  /\b(mutex|rwmutex|sync\.|lock\(|unlock\(|synchronized|threading|thread|goroutine|go func|chan\b|channel|atomic|__sync_|compare_and_swap|semaphore|await|wg\.|waitgroup)/i;

const STRONG_MARKERS = [
  'prove',
  'proof',
  'design',
  'architect',
  'architecture',
  'redesign',
  'trade-off',
  'tradeoff',
  'trade-offs',
  'tradeoffs',
  'root cause',
  'race condition',
  'deadlock',
  'derive',
  'formally',
  'invariant',
  'threat model',
  'migration plan',
  'distributed',
  'exactly-once',
  'scalab',
  'consistency',
  'concurrency',
  'zero downtime',
  'zero-downtime',
  'memory leak',
  'security review',
] as const;
/** Several markers that are one word in two spellings count once. */
const SAME_MARKER: Readonly<Record<string, string>> = {
  architect: 'architecture',
  tradeoff: 'trade-off',
  'trade-offs': 'trade-off',
  tradeoffs: 'trade-off',
  proof: 'prove',
  'zero-downtime': 'zero downtime',
};
/** A strong word inside one of these names a thing, not a task: "design pattern", "design system". */
const NOT_STRONG = /\bdesign (pattern|system)s?\b/g;
const LIGHT_MARKERS = [
  'compare',
  'explain how',
  'how does',
  'walk me through',
  'pros and cons',
  'example',
  'refactor',
  'restructure',
  'in depth',
  'analyze',
  'analyse',
  'optimize',
  'optimise',
  'performance',
  'security',
  'edge cases',
  'when to use',
  'step by step',
  'when would',
  'options',
  'best practices',
  'investigate',
  'bottleneck',
  'worst case',
  'average case',
  'expected number',
  'lower bound',
  'upper bound',
  'counterexample',
  'causes',
] as const;
// Compiled once: every request is classified, and building some sixty RegExps each time was most of
// the router's time on the reply path (bench/profile.ts).
const STRONG_PATTERNS: readonly [string, RegExp][] = STRONG_MARKERS.map((m) => [
  m,
  new RegExp(`\\b${m.replace(/[-]/g, '\\-').replace(/ /g, '\\s+')}`),
]);
const LIGHT_PATTERNS: readonly [string, RegExp][] = LIGHT_MARKERS.map((m) => [
  m,
  new RegExp(`\\b${m.replace(/ /g, '\\s+')}`),
]);
const BRIEF =
  /\b(in one sentence|one sentence|in one line|one word|briefly|in short|tl;?dr|yes or no|just yes|one-line answer)\b/;
const ASK_VERBS: readonly [string, RegExp][] = [
  ['write', /\b(write|implement|create|build|generate)\b/],
  ['test', /\b(tests?|testing)\b/],
  ['convert', /\b(convert|translate|port|rewrite|migrate)\b/],
  ['fix', /\b(fix|debug)\b/],
  ['explain', /\b(explain|walk me through|describe)\b/],
  ['refactor', /\b(refactor|restructure|redesign|extract)\b/],
  ['review', /\b(review|audit)\b/],
  ['propose', /\b(propose|suggest|recommend|choose|justify)\b/],
  ['find', /\b(find|identify|list)\b/],
  ['compare', /\b(compare|versus|vs)\b/],
  ['prove', /\b(prove|derive|verify)\b/],
  ['analyze', /\b(analy[sz]e|investigate)\b/],
  ['benchmark', /\b(benchmarks?|measure)\b/],
  ['add', /\badd\b/],
  ['plan', /\b(plan|strategy)\b/],
];

export function readSignals(text: string): RequestSignals {
  let codeLines = 0;
  let configLines = 0;
  let concurrent = false;
  const prose = text.replace(FENCE_RE, (_m, info: string, body: string) => {
    const lines = body.split('\n').filter((l) => l.trim()).length;
    codeLines += lines;
    const lang = info.trim().toLowerCase();
    if (CONFIG_LANGS.test(lang) || (lang === '' && looksLikeConfig(body))) configLines += lines;
    if (CONCURRENCY.test(body)) concurrent = true;
    return '\n';
  });
  const lower = prose.toLowerCase();
  const withoutNames = lower.replace(NOT_STRONG, ' ');
  const strongMarkers = [
    ...new Set(STRONG_PATTERNS.filter(([, re]) => re.test(withoutNames)).map(([m]) => SAME_MARKER[m] ?? m)),
  ];
  const lightMarkers = LIGHT_PATTERNS.filter(([, re]) => re.test(lower)).map(([m]) => m);
  const firstSentence = lower.split(/[.?!:\n]/)[0] ?? '';
  const verb = GENERATE_VERBS.exec(lower);
  const generation = verb !== null;
  const object = verb ? lower.slice(verb.index + verb[0].length, verb.index + verb[0].length + 80) : '';
  const smallArtifact = generation && SMALL_ARTIFACTS.test(firstSentence) && !/\bscript\b/.test(firstSentence);
  const writesTests = generation && TEST_ARTIFACT.test(object);
  const codeKind: CodeKind =
    codeLines === 0 ? 'none' : concurrent ? 'concurrent' : configLines * 2 >= codeLines ? 'config' : 'code';
  return {
    generation,
    smallArtifact,
    requirements: countRequirements(prose),
    algorithmic: generation && ALGORITHMIC.test(object),
    // "Write tests for…" is one task, not writing and testing.
    asks: ASK_VERBS.filter(([name, re]) => re.test(lower) && !(writesTests && name === 'write')).map(([name]) => name),
    codeLines,
    codeKind,
    strongMarkers,
    lightMarkers,
    brief: BRIEF.test(lower),
    proseWords: lower.split(/\s+/).filter((w) => /[a-z]/.test(w)).length,
    firstWords: lower.trim().slice(0, 40),
    questions: (prose.replace(/`[^`]*`/g, ' ').match(/\?/g) ?? []).length,
  };
}

/** key: value lines, list items, directives: YAML, compose, Kubernetes, INI. */
function looksLikeConfig(body: string): boolean {
  const lines = body.split('\n').filter((l) => l.trim());
  const configLike = lines.filter((l) => /^\s*(?:[\w.-]+\s*[:=]|- |\[[\w.]+\]|[A-Z]+\s)/.test(l)).length;
  return configLike * 2 >= lines.length && !/[{};]\s*$/m.test(body);
}

/**
 * Clauses of at least two words, split at commas, semicolons, "and", "with", "including",
 * "that", bullets and numbered steps; the first clause is the request itself. "Node 18 and 20"
 * is one clause: "20" alone is too short to be a requirement.
 */
export function countRequirements(prose: string): number {
  const bullets = (prose.match(/(?:^|\n)\s*(?:\d+[.)]|[-*•])\s+\S/g) ?? []).length;
  const clauses = prose
    .toLowerCase()
    .replace(/`[^`]*`/g, 'x')
    .split(/[,;:(\n]|\band\b|\bwith\b|\bincluding\b|\bthat\b|\bwhich\b|\bplus\b|\bthen\b|\bas well as\b/)
    .filter((c) => c.split(/\s+/).filter((w) => /[a-z0-9]/.test(w)).length >= 2);
  return Math.max(0, Math.max(clauses.length, bullets + 1) - 1);
}
