import type { GenerateContentResponse, GenerateContentResponseUsageMetadata } from '@google/genai';
import type { ToolCallDelta } from '../../../protocol';
import type { DoneEvent, StreamAccumulator } from '../streamRunner';
import { ToolCallAssembler } from '../toolCalls';
import { geminiFunctionCalls, geminiStopReason, geminiText } from './geminiText';
import { fromGeminiUsage } from './geminiUsage';

/**
 * Folds streamGenerateContent chunks. There is no [DONE]: the end is the chunk with a
 * finishReason, or a promptFeedback block reason when the prompt itself was refused. Each
 * chunk's usageMetadata is a running total, so the last one wins.
 */
export class GeminiStreamAccumulator implements StreamAccumulator<GenerateContentResponse> {
  readonly endMarker = 'a finishReason';
  #model: string;
  #responseId: string | undefined;
  #stopReason: string | null = null;
  #usage: GenerateContentResponseUsageMetadata | undefined;
  readonly #tools = new ToolCallAssembler();

  constructor(requestedModel: string) {
    this.#model = requestedModel;
  }

  get complete(): boolean {
    return this.#stopReason !== null;
  }

  push(chunk: GenerateContentResponse): string {
    if (chunk.modelVersion) this.#model = chunk.modelVersion;
    if (chunk.responseId) this.#responseId = chunk.responseId;
    if (chunk.usageMetadata) this.#usage = chunk.usageMetadata;
    this.#stopReason = geminiStopReason(chunk) ?? this.#stopReason;
    // Gemini sends each function call whole, in one chunk.
    for (const call of geminiFunctionCalls(chunk, this.#tools.size)) {
      const index = this.#tools.size;
      this.#tools.start(index, call.id, call.name, call.signature);
      this.#tools.append(index, JSON.stringify(call.input));
    }
    return geminiText(chunk);
  }

  takeToolCalls(): ToolCallDelta[] {
    return this.#tools.take();
  }

  done(headers: Record<string, string>): DoneEvent {
    return {
      type: 'done',
      model: this.#model,
      usage: fromGeminiUsage(this.#usage),
      stopReason: this.#stopReason,
      ...(this.#tools.size ? { toolCalls: this.#tools.calls() } : {}),
      ...(this.#responseId !== undefined ? { responseId: this.#responseId } : {}),
      headers,
    };
  }
}
