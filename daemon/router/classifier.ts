import { textOf, type ChatRequest, type RouteSignals, type Tier } from '../../protocol';
import { CHARS_PER_TOKEN, estimateInputTokens } from '../ratelimit/tokenEstimate';

/**
 * The complexity classifier: a handful of cheap signals, each worth a few points, summed into a
 * score that picks the tier. No model and no tokenizer, so it is deterministic, explainable and
 * runs in microseconds; the reason names the signals that counted.
 *
 *   code             any +1, ≥ 400 tokens of it +2, ≥ 1,500 +3
 *   other text       ≥ 300 tokens +1, ≥ 1,500 +2, ≥ 6,000 +3
 *   reasoning words  strong ("prove", "design", "refactor"…) +3.5 each, light ("why", "compare"…) +1 each; at most 5
 *   multi-step ask   +1.5 (three or more numbered steps, "first … then", three or more questions)
 *   feature          commit −1.5, explain/ask 0, edit/fix/test/refactor +1, generate +1.5, review/design +2
 *   conversation     ≥ 6 messages +1, ≥ 12 +2, ≥ 16 +3.5 (a long thread needs the model that keeps context)
 *
 * score < 1 → simple, < 3.5 → moderate, else complex. A strong marker alone makes a request
 * complex; one light marker or a little code makes it moderate.
 */

export const TIER_THRESHOLDS = { moderate: 1, complex: 3.5 } as const;

const STRONG_MARKERS = [
  'prove', 'proof', 'design', 'architect', 'architecture', 'refactor', 'trade-off', 'tradeoff', 'trade-offs', 'tradeoffs',
  'root cause', 'race condition', 'deadlock', 'derive', 'formally', 'invariant', 'threat model', 'migration plan',
] as const;

const LIGHT_MARKERS = [
  'why', 'compare', 'debug', 'analyze', 'analyse', 'difference between', 'pros and cons', 'evaluate', 'complexity',
  'performance', 'security', 'edge cases', 'review', 'implement', 'rewrite', 'explain how', 'optimize', 'optimise',
  'scalable', 'concurrency', 'step by step',
] as const;

const STRONG_POINTS = 3.5;
const MAX_MARKER_POINTS = 5;

const FEATURE_POINTS: Readonly<Record<string, number>> = {
  commit: -1.5, 'commit-message': -1.5, commitMessage: -1.5, complete: -1, completion: -1,
  explain: 0, 'explain-selection': 0, ask: 0,
  edit: 1, fix: 1, test: 1, refactor: 1, generate: 1.5,
  review: 2, design: 2,
};

const MARKER_RE = buildMarkerRe([...STRONG_MARKERS, ...LIGHT_MARKERS]);
const STRONG = new Set<string>(STRONG_MARKERS);
const FENCE_RE = /```[^\n]*\n([\s\S]*?)(?:```|$)/g;
// A line that reads as code: statements, braces, declarations, calls, tags.
const CODE_LINE_RE = /(^\s*(?:def |class |function |const |let |var |import |from |return |if \(|for \(|while \(|public |private |#include|package |fn |func |SELECT |INSERT |<\/?[a-z][\w-]*[ >]))|[;{}]\s*$|=>|\)\s*\{|\w\(\S*\)\s*;?$/;
const NUMBERED_RE = /(?:^|\n)\s*(?:\d+[.)]|[-*]) +\S/g;
const SEQUENCE_RE = /\b(?:first\b[\s\S]{0,200}\bthen\b|and then\b|after that\b|finally\b)/i;

export interface Classification {
  tier: Tier;
  reason: string;
  signals: RouteSignals;
}

export function classify(request: Pick<ChatRequest, 'messages' | 'system' | 'feature'>): Classification {
  const feature = request.feature ?? 'ask';
  const messages = request.messages;
  const last = lastUserText(messages);
  const estimatedTokens = estimateInputTokens(messages, request.system);
  let codeChars = 0;
  for (const m of messages) codeChars += codeCharsIn(textOf(m.content));
  const codeTokens = Math.ceil(codeChars / CHARS_PER_TOKEN);
  const prose = last.replace(FENCE_RE, ' ').toLowerCase();
  const markers = findMarkers(prose);
  const multiStep = isMultiStep(prose);
  const turns = messages.length;

  const parts: { points: number; text: string }[] = [];
  const textTokens = Math.max(0, estimatedTokens - codeTokens);
  if (codeTokens > 0) parts.push({ points: codeTokens >= 1500 ? 3 : codeTokens >= 400 ? 2 : 1, text: `${fmt(codeTokens)} tokens of code` });
  const size = textTokens >= 6000 ? 3 : textTokens >= 1500 ? 2 : textTokens >= 300 ? 1 : 0;
  if (size > 0) parts.push({ points: size, text: `${fmt(textTokens)} tokens${codeTokens > 0 ? ' of text' : ''}` });
  let markerPoints = 0;
  for (const m of markers) markerPoints += STRONG.has(m) ? STRONG_POINTS : 1;
  if (markers.length) parts.push({ points: Math.min(MAX_MARKER_POINTS, markerPoints), text: markers.map((m) => `'${m}'`).join(' + ') });
  if (multiStep) parts.push({ points: 1.5, text: 'multi-step' });
  const featurePoints = FEATURE_POINTS[feature] ?? 0;
  if (featurePoints !== 0) parts.push({ points: featurePoints, text: `feature ${feature}` });
  if (turns >= 6) parts.push({ points: turns >= 16 ? 3.5 : turns >= 12 ? 2 : 1, text: `${turns} messages` });

  const score = parts.reduce((s, p) => s + p.points, 0);
  const tier: Tier = score >= TIER_THRESHOLDS.complex ? 'complex' : score >= TIER_THRESHOLDS.moderate ? 'moderate' : 'simple';
  const counted = parts.filter((p) => p.points > 0).map((p) => p.text);
  const lowered = parts.filter((p) => p.points < 0).map((p) => p.text);
  const because = counted.length ? counted.join(' + ') : 'short, no code or reasoning markers';
  const reason = `${tier}: ${because}${lowered.length ? ` (lowered by ${lowered.join(', ')})` : ''}`;
  return { tier, reason, signals: { estimatedTokens, codeTokens, reasoningMarkers: markers, multiStep, turns, feature, score } };
}

function lastUserText(messages: ChatRequest['messages']): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return textOf(messages[i]!.content);
  return '';
}

/** Fenced blocks count whole; outside them, lines that read as code (two or more, so one stray brace does not count). */
function codeCharsIn(text: string): number {
  let chars = 0;
  let rest = text;
  if (text.includes('```')) {
    rest = text.replace(FENCE_RE, (_m, body: string) => { chars += body.length; return '\n'; });
  }
  let loose = 0;
  let lines = 0;
  for (const line of rest.split('\n')) {
    if (line.trim().length > 1 && CODE_LINE_RE.test(line)) { loose += line.length + 1; lines++; }
  }
  return chars + (lines >= 2 ? loose : 0);
}

function findMarkers(prose: string): string[] {
  const found = new Set<string>();
  for (const m of prose.matchAll(MARKER_RE)) found.add(m[1]!.replace(/\s+/g, ' '));
  return [...found].sort((a, b) => prose.indexOf(a) - prose.indexOf(b));
}

function isMultiStep(prose: string): boolean {
  const numbered = prose.match(NUMBERED_RE)?.length ?? 0;
  if (numbered >= 3) return true;
  if (SEQUENCE_RE.test(prose)) return true;
  return (prose.match(/\?/g)?.length ?? 0) >= 3;
}

function buildMarkerRe(words: readonly string[]): RegExp {
  const alternatives = [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[-]/g, '\\-').replace(/ /g, '\\s+'));
  return new RegExp(`\\b(${alternatives.join('|')})(?:s|d|ed|ing|ly)?\\b`, 'g');
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
