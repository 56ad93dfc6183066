import type { CapabilityRow } from './capabilityTypes';

const DOCS = 'https://platform.openai.com/docs';
const REASONING = `${DOCS}/guides/reasoning`;
const LATEST = `${DOCS}/guides/latest-model`;
const STRUCTURED = `${DOCS}/guides/structured-outputs`;
const VISION = `${DOCS}/guides/images-vision`;
const TOOLS = `${DOCS}/guides/function-calling`;
// Chat Completions `stop`: "Up to 4 sequences"; "Not supported with latest reasoning models".
const STOP = `${DOCS}/api-reference/chat/create`;

const common = {
  maxTokensField: 'max_completion_tokens',
  structuredOutput: 'openaiJsonSchema',
  // Structured Outputs: "the root level object of a schema must be an object".
  objectRootOnly: true,
  // GPT-5 models: 400k window of which 128k is output, so 272k of input (the model pages).
  inputLimit: 'windowMinusOutput',
  defaultMaxOutput: 128_000,
  // Up to 500 images a request, 50 MB of payload in all.
  images: { perRequest: 500, bytesEach: 50 * 1024 * 1024 },
  tools: true,
  stopSequences: { max: 4 },
} as const;

/**
 * OpenAI, newest first. GPT-5.1 and later (the row is named for GPT-5.4, the oldest in the catalogue) default to `reasoning_effort: "none"` and take
 * temperature and top_p only at that effort; GPT-5, GPT-5 mini and nano (and the o-series)
 * always reason and take only the default temperature.
 */
export const OPENAI_FAMILIES: readonly CapabilityRow[] = [
  {
    // ChatGPT's snapshots (gpt-5-chat-latest, gpt-5.1-chat-latest) take no reasoning_effort.
    family: 'gpt-5 chat',
    matches: (id) => /^gpt-5(\.\d+)?-chat/.test(id),
    thinking: { kind: 'none' },
    sampling: 'defaultOnly',
    defaultWindow: 128_000,
    ...common,
    defaultMaxOutput: 16_384,
    inputLimit: 'sharedWindow',
    sources: [`${DOCS}/models/gpt-5-chat-latest`, STRUCTURED, TOOLS],
  },
  {
    // GPT-5.1 brought reasoning effort "none" (its default) and sampling at that effort.
    family: 'gpt-5.4+',
    matches: (id) => /^gpt-5\.([1-9]|\d\d)/.test(id) || /^gpt-([6-9]|\d\d)/.test(id),
    thinking: { kind: 'openaiEffort', efforts: ['low', 'medium', 'high'] },
    sampling: 'onlyWithoutReasoning',
    defaultWindow: 1_050_000,
    ...common,
    stopSequences: { max: 4, onlyWithoutReasoning: true },
    sources: [LATEST, `${DOCS}/models/gpt-5.4`, REASONING, STRUCTURED, VISION, TOOLS],
  },
  {
    family: 'gpt-5',
    matches: (id) => /^gpt-5(?:$|-)/.test(id),
    thinking: { kind: 'openaiEffort', efforts: ['low', 'medium', 'high'] },
    sampling: 'defaultOnly',
    defaultWindow: 400_000,
    ...common,
    stopSequences: null,
    sources: [`${DOCS}/models/gpt-5`, STOP, REASONING, STRUCTURED, VISION, TOOLS],
  },
  {
    family: 'o-series',
    matches: (id) => /^o\d/.test(id),
    thinking: { kind: 'openaiEffort', efforts: ['low', 'medium', 'high'] },
    sampling: 'defaultOnly',
    defaultWindow: 200_000,
    ...common,
    stopSequences: null,
    defaultMaxOutput: 100_000,
    inputLimit: 'sharedWindow',
    sources: [REASONING, STOP, STRUCTURED, TOOLS],
  },
  {
    // GPT-4.1, mini and nano: a 1,047,576-token window with 32,768 of output, no reasoning.
    family: 'gpt-4.1',
    matches: (id) => /^gpt-4\.1(?:$|-)/.test(id),
    thinking: { kind: 'none' },
    sampling: 'any',
    defaultWindow: 1_047_576,
    ...common,
    defaultMaxOutput: 32_768,
    inputLimit: 'sharedWindow',
    sources: [`${DOCS}/models/gpt-4.1`, STRUCTURED, VISION, TOOLS],
  },
  {
    family: 'gpt (no reasoning)',
    matches: (id) => id.startsWith('gpt-') || id.startsWith('chatgpt-'),
    thinking: { kind: 'none' },
    sampling: 'any',
    defaultWindow: 128_000,
    ...common,
    defaultMaxOutput: 16_384,
    inputLimit: 'sharedWindow',
    sources: [`${DOCS}/models`, STRUCTURED, VISION, TOOLS],
  },
  {
    // An id that names no known family (a fine-tune, an alias): reasoning_effort is passed on
    // and then no temperature, as Conduit always did.
    family: 'openai (unknown id)',
    matches: () => true,
    thinking: { kind: 'openaiEffort', efforts: ['low', 'medium', 'high'] },
    sampling: 'notWithThinking',
    ...common,
    defaultWindow: null,
    defaultMaxOutput: null,
    inputLimit: 'sharedWindow',
    sources: [REASONING, STRUCTURED],
  },
];

/**
 * A model an OpenAI-compatible server (Ollama, vLLM, LM Studio) serves: nothing is known of it,
 * so what those servers all take is sent (max_tokens, temperature) and no reasoning_effort.
 */
export const OPENAI_COMPATIBLE_ROW: CapabilityRow = {
  family: 'openai-compatible',
  matches: () => true,
  thinking: { kind: 'none' },
  sampling: 'any',
  maxTokensField: 'max_tokens',
  structuredOutput: 'openaiJsonSchema',
  objectRootOnly: true,
  inputLimit: 'sharedWindow',
  defaultWindow: null,
  defaultMaxOutput: null,
  images: { perRequest: 500, bytesEach: 50 * 1024 * 1024 },
  tools: true,
  stopSequences: { max: 4 },
  sources: [STRUCTURED, STOP],
};
