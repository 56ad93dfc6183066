import type { ProviderId } from '../../../protocol';

/** What separates OpenAI itself from the servers that copy its API. */
export interface OpenAIChatOptions {
  id: Extract<ProviderId, 'openai' | 'openaiCompatible' | 'azureOpenai'>;
  /**
   * OpenAI's newer models reject max_tokens and want max_completion_tokens; Ollama, vLLM and
   * LM Studio only know max_tokens.
   */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /**
   * OpenAI always sends the usage chunk when asked, so its absence means the stream was cut.
   * Some compatible servers never send one, so for them a finish_reason alone ends the stream.
   */
  requireUsageChunk: boolean;
}
