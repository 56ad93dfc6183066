import type { CapabilityRow } from './capabilityTypes';

const DOCS = 'https://ai.google.dev/gemini-api/docs';
const THINKING = `${DOCS}/thinking`;
const STRUCTURED = `${DOCS}/structured-output`;
const MODELS = `${DOCS}/models`;
const VISION = `${DOCS}/image-understanding`;
const TOOLS = `${DOCS}/function-calling`;

const common = {
  maxTokensField: 'maxOutputTokens',
  structuredOutput: 'geminiSchema',
  // responseJsonSchema takes any root, arrays included.
  objectRootOnly: false,
  // The models page gives an input token limit (1,048,576) and an output limit (65,536) apart.
  inputLimit: 'separate',
  defaultWindow: 1_048_576,
  defaultMaxOutput: 65_536,
  // Up to 3,600 images a request; inline data is limited by the 20 MB request size.
  images: { perRequest: 3600, bytesEach: 20 * 1024 * 1024 },
  tools: true,
  // generationConfig.stopSequences: "up to 5 character sequences".
  stopSequences: { max: 5 },
} as const;

/** Gemini's generation: gemini-3.1-pro-preview → 3.1, gemini-2.5-flash → 2.5. */
export function geminiVersion(id: string): number | null {
  const m = /^gemini-(\d+)(?:\.(\d+))?/.exec(id);
  return m ? Number(m[1]) + Number(m[2] ?? 0) / 10 : null;
}

/**
 * Gemini, newest first. Gemini 3 and later take `thinkingLevel` (a budget still works but is
 * "suboptimal", and the two together are a 400); Gemini 3 Pro knows only low and high, Gemini
 * 3.1 Pro and the Flash models low, medium and high. Gemini 2.5 takes `thinkingBudget`.
 */
export const GEMINI_FAMILIES: readonly CapabilityRow[] = [
  {
    family: 'gemini-3-pro',
    matches: (id) => /^gemini-3-pro/.test(id),
    thinking: { kind: 'geminiLevel', levels: ['low', 'high'] },
    sampling: 'any',
    ...common,
    sources: [THINKING, STRUCTURED, MODELS, VISION, TOOLS],
  },
  {
    family: 'gemini-3+',
    matches: (id) => (geminiVersion(id) ?? 0) >= 3,
    thinking: { kind: 'geminiLevel', levels: ['low', 'medium', 'high'] },
    sampling: 'any',
    ...common,
    sources: [THINKING, STRUCTURED, MODELS, VISION, TOOLS],
  },
  {
    family: 'gemini-2.5',
    matches: (id) => (geminiVersion(id) ?? 0) >= 2.5,
    thinking: { kind: 'geminiBudget' },
    sampling: 'any',
    ...common,
    sources: [THINKING, STRUCTURED, MODELS, VISION, TOOLS],
  },
  {
    family: 'gemini (no thinking)',
    matches: (id) => id.startsWith('gemini-') || id.startsWith('gemma-'),
    thinking: { kind: 'none' },
    sampling: 'any',
    ...common,
    defaultMaxOutput: 8_192,
    sources: [MODELS, STRUCTURED, VISION, TOOLS],
  },
  {
    // An id that names no Gemini generation (a tuned model): a thinking budget, as before.
    family: 'gemini (unknown id)',
    matches: () => true,
    thinking: { kind: 'geminiBudget' },
    sampling: 'any',
    ...common,
    defaultWindow: null,
    defaultMaxOutput: null,
    sources: [THINKING, STRUCTURED],
  },
];
