import type { CapabilityRow } from './capabilityTypes';

const DOCS = 'https://platform.claude.com/docs/en';
const ADAPTIVE = `${DOCS}/build-with-claude/adaptive-thinking`;
const EXTENDED = `${DOCS}/build-with-claude/extended-thinking`;
const EFFORT = `${DOCS}/build-with-claude/effort`;
const STRUCTURED = `${DOCS}/build-with-claude/structured-outputs`;
const MIGRATION = `${DOCS}/about-claude/models/migration-guide`;
const VISION = `${DOCS}/build-with-claude/vision`;
const TOOLS = `${DOCS}/agents-and-tools/tool-use/implement-tool-use`;
const VERTEX_STRUCTURED =
  'https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/partner-models/claude/structured-outputs';

/**
 * A Claude model's generation as a number: claude-opus-4-7 → 4.7, claude-sonnet-5 → 5,
 * claude-3-7-sonnet → 3.7. Snapshot dates (-20250929) are not minor versions.
 */
export function claudeVersion(id: string): number | null {
  const current = /^claude-[a-z]+-(\d+)(?:-(\d{1,2}))?(?:$|[-@])/.exec(id);
  if (current) return Number(current[1]) + Number(current[2] ?? 0) / 10;
  const legacy = /^claude-(\d)-(\d)-/.exec(id);
  return legacy ? Number(legacy[1]) + Number(legacy[2]) / 10 : null;
}

const isClaude = (id: string, test: (v: number) => boolean) => {
  const v = claudeVersion(id);
  return v !== null && test(v);
};

const common = {
  maxTokensField: 'max_tokens',
  objectRootOnly: true,
  inputLimit: 'sharedWindow',
  // Up to 100 images a request on the Messages API, 5 MB each (base64).
  images: { perRequest: 100, bytesEach: 5 * 1024 * 1024 },
  tools: true,
  // Messages API `stop_sequences`: no documented count; the answer says which one matched.
  stopSequences: { max: null },
} as const;

/**
 * Claude, newest first. Opus 4.7 and every Claude 5 model take only adaptive thinking, answer
 * `thinking: {type: "enabled"}` and non-default temperature/top_p/top_k with a 400, and have
 * native structured outputs. Claude 4.6 takes adaptive thinking (manual budgets still work but
 * are deprecated) and samples only without thinking. Claude 4.5 and older take a thinking
 * budget; Claude 4.5 has native structured outputs (not yet on Vertex AI), older models give
 * the answer through a forced tool, which every platform serving them supports.
 */
export const ANTHROPIC_FAMILIES: readonly CapabilityRow[] = [
  {
    family: 'claude-4.7+',
    matches: (id) => isClaude(id, (v) => v >= 4.7),
    thinking: { kind: 'anthropicAdaptive', efforts: ['low', 'medium', 'high'] },
    sampling: 'removed',
    structuredOutput: 'anthropicFormat',
    defaultWindow: 1_000_000,
    defaultMaxOutput: 128_000,
    ...common,
    sources: [ADAPTIVE, EFFORT, STRUCTURED, MIGRATION, VISION, TOOLS],
  },
  {
    family: 'claude-4.6',
    matches: (id) => isClaude(id, (v) => v >= 4.6),
    thinking: { kind: 'anthropicAdaptive', efforts: ['low', 'medium', 'high'] },
    sampling: 'notWithThinking',
    structuredOutput: 'anthropicFormat',
    defaultWindow: 1_000_000,
    defaultMaxOutput: 128_000,
    ...common,
    sources: [ADAPTIVE, EFFORT, STRUCTURED, EXTENDED, VISION, TOOLS],
  },
  {
    // Structured outputs are generally available on the Claude API and Amazon Bedrock for Claude
    // Sonnet 4.5, Opus 4.5 and Haiku 4.5 (and 4.6); Vertex AI lists them for 4.6 and later only,
    // so there the answer still comes through a forced tool.
    family: 'claude-4.5',
    matches: (id) => isClaude(id, (v) => v >= 4.5),
    thinking: { kind: 'anthropicBudget' },
    sampling: 'notWithThinking',
    structuredOutput: 'anthropicFormat',
    onPlatform: { anthropicVertex: { structuredOutput: 'anthropicTool' } },
    defaultWindow: 200_000,
    defaultMaxOutput: 64_000,
    ...common,
    sources: [EXTENDED, STRUCTURED, VERTEX_STRUCTURED, TOOLS, VISION],
  },
  {
    family: 'claude-3.7..4.1',
    matches: (id) => isClaude(id, (v) => v >= 3.7),
    thinking: { kind: 'anthropicBudget' },
    sampling: 'notWithThinking',
    structuredOutput: 'anthropicTool',
    defaultWindow: 200_000,
    defaultMaxOutput: 64_000,
    ...common,
    sources: [EXTENDED, TOOLS, VISION],
  },
  {
    family: 'claude (no thinking)',
    matches: (id) => id.startsWith('claude-'),
    thinking: { kind: 'none' },
    sampling: 'any',
    structuredOutput: 'anthropicTool',
    defaultWindow: 200_000,
    defaultMaxOutput: 8_192,
    ...common,
    sources: [`${DOCS}/about-claude/models/overview`, TOOLS, VISION],
  },
  {
    // An id that names no Claude generation (a proxy's alias): the rules Conduit always sent by.
    family: 'anthropic (unknown id)',
    matches: () => true,
    thinking: { kind: 'anthropicBudget' },
    sampling: 'notWithThinking',
    structuredOutput: 'anthropicTool',
    defaultWindow: null,
    defaultMaxOutput: null,
    ...common,
    sources: [EXTENDED, TOOLS],
  },
];
