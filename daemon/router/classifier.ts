import { textOf, type ChatRequest, type RouteSignals, type Tier } from '../../protocol';
import { CHARS_PER_TOKEN, estimateInputTokens } from '../ratelimit/tokenEstimate';
import { readSignals, type RequestSignals } from './requestSignals';

/**
 * The complexity classifier: signals read from the request (requestSignals.ts), each worth a few
 * points, summed into a score that picks the tier. No model and no tokenizer, so it is
 * deterministic, explainable and runs in microseconds; the reason names the signals that counted.
 *
 *   generation       "write/create/implement … a function, query, workflow…": +0.5 alone,
 *                    +1.5 with a requirement, +2.5 with four, +3.5 with six; over code it was
 *                    given +0.5 (+1.5 with four); a one-liner, command or regex +1 only with two
 *                    requirements; an algorithm or data structure +0.5
 *   requirements     other requests: +0.5 with two, +1 with three, +1.5 with five, +2.5 with seven
 *   code             3–15 lines +1, 16–60 +1.5, 61–150 +2.5, more +3.5 (configuration ×0.7);
 *                    threads, locks or channels in it +0.5; ≥ 1,500 tokens at least +3
 *   asks             two different tasks (convert and test, find and fix) +0.5, three or more +1.5
 *   markers          strong ("design", "prove", "root cause", "trade-offs"…) +2.5 each, at most 5
 *                    (+0.5 in a short factual question); light ("compare", "refactor"…) +1 each, at most 2
 *   prose            ≥ 35 words +0.5, ≥ 60 +1, ≥ 100 +1.5; two or more questions +0.5
 *   brief            "in one sentence", "yes or no" −2
 *   feature          commit −1.5, complete −1, edit/fix/test/refactor +0.5, review +1, generate +1, design +2
 *   conversation     ≥ 6 messages +1, ≥ 12 +2, ≥ 16 +3.5
 *
 * score < 1 → simple, < 3.5 → moderate, else complex. No single word reaches complex: a strong
 * marker is worth 2.5 and needs another signal (a second marker, code, requirements, length).
 * docs/cache-and-routing.md has the corpus figures.
 */

export const TIER_THRESHOLDS = { moderate: 1, complex: 3.5 } as const;
const STRONG_POINTS = 2.5;

const FEATURE_POINTS: Readonly<Record<string, number>> = {
  commit: -1.5,
  'commit-message': -1.5,
  commitMessage: -1.5,
  complete: -1,
  completion: -1,
  explain: 0,
  'explain-selection': 0,
  ask: 0,
  edit: 0.5,
  fix: 0.5,
  test: 0.5,
  refactor: 0.5,
  generate: 1,
  review: 1,
  design: 2,
};

export interface Classification {
  tier: Tier;
  reason: string;
  signals: RouteSignals;
}

interface Part {
  points: number;
  text: string;
}

export function classify(request: Pick<ChatRequest, 'messages' | 'system' | 'feature'>): Classification {
  const feature = request.feature ?? 'ask';
  const messages = request.messages;
  const last = lastUserText(messages);
  const estimatedTokens = estimateInputTokens(messages, request.system);
  const s = readSignals(last);
  let codeChars = 0;
  for (const m of messages) codeChars += fencedChars(textOf(m.content));
  const codeTokens = Math.ceil(codeChars / CHARS_PER_TOKEN);
  const turns = messages.length;

  const parts: Part[] = [
    ...generationParts(s),
    ...codeParts(s, codeTokens),
    ...markerParts(s),
    ...proseParts(s, Math.max(0, estimatedTokens - codeTokens)),
  ];
  const featurePoints = FEATURE_POINTS[feature] ?? 0;
  if (featurePoints !== 0) parts.push({ points: featurePoints, text: `feature ${feature}` });
  if (turns >= 6) parts.push({ points: turns >= 16 ? 3.5 : turns >= 12 ? 2 : 1, text: `${turns} messages` });

  const score = parts.reduce((sum, p) => sum + p.points, 0);
  const tier: Tier =
    score >= TIER_THRESHOLDS.complex ? 'complex' : score >= TIER_THRESHOLDS.moderate ? 'moderate' : 'simple';
  const counted = parts.filter((p) => p.points > 0).map((p) => p.text);
  const lowered = parts.filter((p) => p.points < 0).map((p) => p.text);
  const because = counted.length ? counted.join(' + ') : 'short, no code, no requirements or reasoning markers';
  const reason = `${tier}: ${because}${lowered.length ? ` (lowered by ${lowered.join(', ')})` : ''}`;
  return {
    tier,
    reason,
    signals: {
      estimatedTokens,
      codeTokens,
      reasoningMarkers: [...s.strongMarkers, ...s.lightMarkers],
      multiStep: s.asks.length >= 2 || s.requirements >= 3,
      turns,
      feature,
      score,
      generation: s.generation,
      requirements: s.requirements,
      codeLines: s.codeLines,
      codeKind: s.codeKind,
    },
  };
}

function generationParts(s: RequestSignals): Part[] {
  const reqs = `${s.requirements} requirement${s.requirements === 1 ? '' : 's'}`;
  if (s.generation && s.smallArtifact) {
    return s.requirements >= 2 ? [{ points: 1, text: `asks for a small piece of code with ${reqs}` }] : [];
  }
  if (s.generation) {
    // Over code it was given, a request is an edit: the code's size speaks for it, and only many requirements add.
    const points =
      s.codeLines > 0
        ? s.requirements >= 4
          ? 1.5
          : 0.5
        : s.requirements >= 6
          ? 3.5
          : s.requirements >= 4
            ? 2.5
            : s.requirements >= 1
              ? 1.5
              : 0.5;
    const out = [{ points, text: s.requirements ? `asks to write code with ${reqs}` : 'asks to write code' }];
    if (s.algorithmic && s.codeLines === 0) out.push({ points: 0.5, text: 'an algorithm or data structure' });
    return out;
  }
  const points =
    s.requirements >= 7 ? 2.5 : s.requirements >= 5 ? 1.5 : s.requirements >= 3 ? 1 : s.requirements >= 2 ? 0.5 : 0;
  return points ? [{ points, text: reqs }] : [];
}

function codeParts(s: RequestSignals, codeTokens: number): Part[] {
  const out: Part[] = [];
  if (s.codeLines >= 3 || codeTokens >= 1500) {
    let points = s.codeLines > 150 ? 3.5 : s.codeLines > 60 ? 2.5 : s.codeLines > 15 ? 1.5 : s.codeLines >= 3 ? 1 : 0;
    if (s.codeKind === 'config') points *= 0.7;
    if (codeTokens >= 1500) points = Math.max(points, 3);
    out.push({ points, text: `${s.codeLines} lines of ${s.codeKind === 'config' ? 'configuration' : 'code'}` });
    if (s.codeKind === 'concurrent') out.push({ points: 0.5, text: 'threads, locks or channels in the code' });
  }
  const asks = s.asks.filter((a) => a !== 'add' || s.codeLines > 0);
  if (asks.length >= 2) out.push({ points: asks.length >= 3 ? 1.5 : 0.5, text: `asks to ${asks.join(', ')}` });
  return out;
}

function markerParts(s: RequestSignals): Part[] {
  const out: Part[] = [];
  if (s.strongMarkers.length) {
    // In a short factual question ("what's the architecture of x86 called?") the word names a topic, not a task.
    const lookup =
      s.proseWords <= 12 &&
      s.codeLines === 0 &&
      !s.generation &&
      /^\W*(what|which|who|when|where|is|does|do)\b/i.test(s.firstWords);
    const each = lookup ? 0.5 : STRONG_POINTS;
    out.push({
      points: Math.min(2 * STRONG_POINTS, each * s.strongMarkers.length),
      text: s.strongMarkers.map((m) => `'${m}'`).join(' + '),
    });
  }
  if (s.lightMarkers.length)
    out.push({ points: Math.min(2, s.lightMarkers.length), text: s.lightMarkers.map((m) => `'${m}'`).join(' + ') });
  if (s.brief) out.push({ points: -2, text: 'a short answer asked for' });
  return out;
}

function proseParts(s: RequestSignals, textTokens: number): Part[] {
  const out: Part[] = [];
  const words = s.proseWords >= 100 ? 1.5 : s.proseWords >= 60 ? 1 : s.proseWords >= 35 ? 0.5 : 0;
  if (words) out.push({ points: words, text: `${s.proseWords} words` });
  if (s.questions >= 2) out.push({ points: 0.5, text: `${s.questions} questions` });
  const size = textTokens >= 6000 ? 3 : textTokens >= 1500 ? 2 : 0;
  if (size) out.push({ points: size, text: `${fmt(textTokens)} tokens of text` });
  return out;
}

function lastUserText(messages: ChatRequest['messages']): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return textOf(messages[i]!.content);
  return '';
}

function fencedChars(text: string): number {
  let chars = 0;
  for (const m of text.matchAll(/```[^\n]*\n([\s\S]*?)(?:```|$)/g)) chars += m[1]!.length;
  return chars;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
