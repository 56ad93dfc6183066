import type { ReasoningEffort } from '../../../protocol';

/** The effort levels a provider names beyond Conduit's three; only Conduit's are ever sent. */
export type ThinkingLevel = ReasoningEffort;

/**
 * How a model takes a reasoning effort:
 * - `anthropicAdaptive`: `thinking: {type: "adaptive"}` with `output_config.effort`;
 * - `anthropicBudget`: the older `thinking: {type: "enabled", budget_tokens}`;
 * - `openaiEffort`: `reasoning_effort`;
 * - `geminiLevel`: `thinkingConfig.thinkingLevel` (Gemini 3 and later);
 * - `geminiBudget`: `thinkingConfig.thinkingBudget` (Gemini 2.5);
 * - `none`: the model does not reason on request; an effort is dropped with a note.
 */
export type ThinkingControl =
  | { kind: 'anthropicAdaptive'; efforts: readonly ThinkingLevel[] }
  | { kind: 'anthropicBudget' }
  | { kind: 'openaiEffort'; efforts: readonly ThinkingLevel[] }
  | { kind: 'geminiLevel'; levels: readonly ThinkingLevel[] }
  | { kind: 'geminiBudget' }
  | { kind: 'none' };

/**
 * Which sampling parameters (temperature, top_p) a model takes:
 * - `any`: all of them;
 * - `notWithThinking`: only while thinking is off (Anthropic's extended thinking refuses them);
 * - `onlyWithoutReasoning`: only with `reasoning_effort: "none"` (GPT-5.4 and later), which is
 *   then sent with them;
 * - `defaultOnly`: only the default value (GPT-5, GPT-5 mini and nano, the o-series);
 * - `removed`: not at all (Claude Opus 4.7, Claude 5 and later answer 400).
 */
export type SamplingRule = 'any' | 'notWithThinking' | 'onlyWithoutReasoning' | 'defaultOnly' | 'removed';

/**
 * How the answer is held to a JSON schema:
 * - `anthropicFormat`: `output_config.format` (Anthropic's structured outputs);
 * - `anthropicTool`: a tool forced by `tool_choice` whose input schema is the answer's;
 * - `openaiJsonSchema`: `response_format: {type: "json_schema"}`, strict where the schema allows;
 * - `geminiSchema`: `responseMimeType: application/json` with `responseJsonSchema`.
 */
export type StructuredOutput = 'anthropicFormat' | 'anthropicTool' | 'openaiJsonSchema' | 'geminiSchema';

/**
 * How the input limit relates to the context window:
 * - `sharedWindow`: prompt plus max_tokens must fit the window (Anthropic);
 * - `windowMinusOutput`: the prompt may use the window less the largest output (OpenAI's GPT-5
 *   family: 400k window, 272k input), and prompt plus output must still fit;
 * - `separate`: the window is the input limit and the output limit is apart (Gemini).
 */
export type InputLimitRule = 'sharedWindow' | 'windowMinusOutput' | 'separate';

/**
 * Which stop sequences a model takes:
 * - `{ max }`: up to `max` of them (null: no documented count);
 * - `onlyWithoutReasoning` as for sampling (GPT-5.4 and later take `stop` only at effort "none");
 * - null: none at all (GPT-5, GPT-5 mini and nano, o3, o4-mini answer 400); they are dropped with a note.
 */
export type StopRule = { max: number | null; onlyWithoutReasoning?: boolean } | null;

/** What one model family takes, each row with the provider pages it comes from. */
export interface ModelCapabilities {
  /** A short name for the family, shown in notes and docs ("claude-4.7+"). */
  family: string;
  thinking: ThinkingControl;
  sampling: SamplingRule;
  /** OpenAI's reasoning models take only max_completion_tokens. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens' | 'maxOutputTokens';
  structuredOutput: StructuredOutput;
  /** The schema's root must be an object: another root is wrapped as { "items": schema }. */
  objectRootOnly: boolean;
  inputLimit: InputLimitRule;
  /** Used when the price catalogue does not know the model; the catalogue's figures win. */
  defaultWindow: number | null;
  defaultMaxOutput: number | null;
  /** Images per request and bytes per image the provider documents (the guard enforces). */
  images: { perRequest: number; bytesEach: number };
  tools: boolean;
  stopSequences: StopRule;
  /** The provider pages the row comes from. */
  sources: readonly string[];
}

/** A family: the model ids it covers, and what they take. */
export interface CapabilityRow extends ModelCapabilities {
  matches: (modelId: string) => boolean;
  /** Where a cloud platform serving the model documents less than the maker's own API. */
  onPlatform?: Partial<Record<string, Partial<Pick<ModelCapabilities, 'structuredOutput'>>>>;
}
