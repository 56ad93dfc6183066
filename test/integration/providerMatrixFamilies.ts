import type { ProviderId } from '../../protocol';
import type { WireProvider } from '../fakes/script';

/**
 * Every model family of the capability table (daemon/providers/capabilities/*Families.ts), each
 * by one representative model and the provider serving it, with what the request must look
 * like as each provider documents it. The cloud platforms are listed with a family whose rules
 * they inherit. Used by providerMatrix.test.ts; the fake refuses what the real APIs refuse.
 */
export type Body = Record<string, unknown>;

/** What one case must send (a subset of the body), must not send (dotted paths), and must note. */
export interface Sent {
  sent?: Body;
  absent?: string[];
  /** A note in the result's `adjusted`; none is expected when absent. */
  note?: RegExp;
}

export interface Family {
  /** The capability row's family name, and the platform where one serves it. */
  family: string;
  provider: ProviderId;
  wire: WireProvider;
  model: string;
  /** `reasoningEffort: "medium"` with max_tokens 64. */
  effort: Sent;
  /** `temperature: 0.5` without an effort. */
  temperature: Sent;
  structured: 'anthropicFormat' | 'anthropicTool' | 'openaiJsonSchema' | 'geminiSchema';
  /** The limit a CJK prompt of more characters than it (a token a character) goes over. */
  limit: { tokens: number; says: string };
}

const adaptive: Sent = { sent: { thinking: { type: 'adaptive' }, output_config: { effort: 'medium' } } };
/** The thinking budget for "medium" (daemon/providers/reasoningBudget.ts), on top of max_tokens. */
const budget: Sent = {
  sent: { thinking: { type: 'enabled', budget_tokens: 4096 }, max_tokens: 64 + 4096 },
  absent: ['output_config'],
};
const sampled: Sent = { sent: { temperature: 0.5 } };
const droppedTemperature = (why: string): Sent => ({
  absent: ['temperature'],
  note: new RegExp(`^temperature 0.5 dropped: .*${why}`),
});
const openaiEffort: Sent = { sent: { reasoning_effort: 'medium', max_completion_tokens: 64 + 4096 } };
const geminiTemperature: Sent = { sent: { generationConfig: { temperature: 0.5 } } };
const window = (n: number): Family['limit'] => ({ tokens: n, says: `context window of ${n.toLocaleString('en-US')}` });
const input = (n: number): Family['limit'] => ({ tokens: n, says: `input limit of ${n.toLocaleString('en-US')}` });

export const FAMILIES: readonly Family[] = [
  {
    family: 'claude-4.7+',
    provider: 'anthropic',
    wire: 'anthropic',
    model: 'claude-opus-4-7',
    effort: adaptive,
    temperature: droppedTemperature('takes no sampling parameters'),
    structured: 'anthropicFormat',
    limit: window(1_000_000),
  },
  {
    family: 'claude-4.6',
    provider: 'anthropic',
    wire: 'anthropic',
    model: 'claude-sonnet-4-6',
    effort: adaptive,
    temperature: sampled,
    structured: 'anthropicFormat',
    limit: window(1_000_000),
  },
  {
    family: 'claude-4.5',
    provider: 'anthropic',
    wire: 'anthropic',
    model: 'claude-haiku-4-5',
    effort: budget,
    temperature: sampled,
    structured: 'anthropicFormat',
    limit: window(200_000),
  },
  {
    family: 'claude-3.7..4.1',
    provider: 'anthropic',
    wire: 'anthropic',
    model: 'claude-opus-4-1',
    effort: budget,
    temperature: sampled,
    structured: 'anthropicTool',
    limit: window(200_000),
  },
  {
    family: 'claude-4.7+ on Bedrock',
    provider: 'anthropicBedrock',
    wire: 'bedrock',
    model: 'global.anthropic.claude-opus-4-7',
    effort: adaptive,
    temperature: droppedTemperature('takes no sampling parameters'),
    structured: 'anthropicFormat',
    limit: window(1_000_000),
  },
  {
    // Vertex AI lists structured outputs from Claude 4.6: 4.5 keeps the forced tool there.
    family: 'claude-4.5 on Vertex AI',
    provider: 'anthropicVertex',
    wire: 'vertexAnthropic',
    model: 'claude-sonnet-4-5@20250929',
    effort: budget,
    temperature: sampled,
    structured: 'anthropicTool',
    limit: window(200_000),
  },
  {
    family: 'gpt-5.4+',
    provider: 'openai',
    wire: 'openai',
    model: 'gpt-5.4',
    effort: { ...openaiEffort, absent: ['temperature'] },
    temperature: { sent: { temperature: 0.5, reasoning_effort: 'none' } },
    structured: 'openaiJsonSchema',
    limit: input(1_050_000 - 128_000),
  },
  {
    family: 'gpt-5',
    provider: 'openai',
    wire: 'openai',
    model: 'gpt-5-mini',
    effort: openaiEffort,
    temperature: droppedTemperature('takes only the default temperature'),
    structured: 'openaiJsonSchema',
    limit: input(272_000),
  },
  {
    family: 'gpt-5 on Azure OpenAI',
    provider: 'azureOpenai',
    wire: 'azure',
    model: 'gpt-5',
    effort: openaiEffort,
    temperature: droppedTemperature('takes only the default temperature'),
    structured: 'openaiJsonSchema',
    limit: input(272_000),
  },
  {
    family: 'o-series',
    provider: 'openai',
    wire: 'openai',
    model: 'o4-mini',
    effort: openaiEffort,
    temperature: droppedTemperature('takes only the default temperature'),
    structured: 'openaiJsonSchema',
    limit: window(200_000),
  },
  {
    family: 'gpt-4.1',
    provider: 'openai',
    wire: 'openai',
    model: 'gpt-4.1',
    effort: { absent: ['reasoning_effort'], note: /^reasoning effort dropped: gpt-4.1 takes no reasoning effort/ },
    temperature: { ...sampled, absent: ['reasoning_effort'] },
    structured: 'openaiJsonSchema',
    limit: window(1_047_576),
  },
  {
    family: 'gpt (no reasoning)',
    provider: 'openai',
    wire: 'openai',
    model: 'gpt-4o',
    effort: { absent: ['reasoning_effort'], note: /^reasoning effort dropped: gpt-4o takes no reasoning effort/ },
    temperature: { ...sampled, absent: ['reasoning_effort'] },
    structured: 'openaiJsonSchema',
    limit: window(128_000),
  },
  {
    family: 'gemini-3+',
    provider: 'gemini',
    wire: 'gemini',
    model: 'gemini-3.8-flash',
    effort: { sent: { generationConfig: { thinkingConfig: { thinkingLevel: 'MEDIUM' } } } },
    temperature: geminiTemperature,
    structured: 'geminiSchema',
    limit: input(1_048_576),
  },
  {
    // Gemini 3 Pro names only low and high: "medium" goes as the next higher, with a note.
    family: 'gemini-3-pro',
    provider: 'gemini',
    wire: 'gemini',
    model: 'gemini-3-pro-preview',
    effort: {
      sent: { generationConfig: { thinkingConfig: { thinkingLevel: 'HIGH' } } },
      note: /^reasoning effort "medium" sent as "high": gemini-3-pro-preview takes low, high/,
    },
    temperature: geminiTemperature,
    structured: 'geminiSchema',
    limit: input(1_048_576),
  },
  {
    family: 'gemini-2.5',
    provider: 'gemini',
    wire: 'gemini',
    model: 'gemini-2.5-flash',
    effort: { sent: { generationConfig: { thinkingConfig: { thinkingBudget: 4096 } } } },
    temperature: geminiTemperature,
    structured: 'geminiSchema',
    limit: input(1_048_576),
  },
  {
    family: 'gemini-3+ on Vertex AI',
    provider: 'geminiVertex',
    wire: 'vertexGemini',
    model: 'gemini-3.1-pro-preview',
    effort: { sent: { generationConfig: { thinkingConfig: { thinkingLevel: 'MEDIUM' } } } },
    temperature: geminiTemperature,
    structured: 'geminiSchema',
    limit: input(1_048_576),
  },
];

/** The wire's request shape: the cloud platforms wrap their maker's. */
export function shapeOf(wire: WireProvider): 'anthropic' | 'openai' | 'gemini' {
  if (wire === 'anthropic' || wire === 'bedrock' || wire === 'vertexAnthropic') return 'anthropic';
  return wire === 'openai' || wire === 'azure' ? 'openai' : 'gemini';
}

/** The value at a dotted path of a request body. */
export function at(body: unknown, dotted: string): unknown {
  let v = body;
  for (const k of dotted.split('.')) v = typeof v === 'object' && v !== null ? (v as Body)[k] : undefined;
  return v;
}
