import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRecord } from './wireFormat';

/**
 * Responses recorded from the real APIs live beside the repository, in ../shared, and are never
 * copied in (their licences and size). Tests replay them when the folder is there and skip
 * otherwise, e.g. in a user's own clone.
 */
export const realTranscriptsDir = resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  '../../../shared/fixtures/real-transcripts',
);

export const hasRealTranscripts = existsSync(realTranscriptsDir);

export const skipReason = `real transcripts not found at ${realTranscriptsDir} (they sit in ../shared beside the repository)`;

/** A raw Anthropic SSE body, e.g. 'basic_response.txt'. */
export function anthropicTranscript(name: string): string {
  return readFileSync(join(realTranscriptsDir, 'anthropic', name), 'utf8');
}

export interface GeminiInteraction {
  url: string;
  requestBody: unknown;
  status: number;
  headers: Record<string, string>;
  /** The response's JSON chunks, one per SSE event for a stream. */
  segments: unknown[];
}

/** The interactions of a js-genai recording, e.g. 'Client_Tests_…json'. */
export function geminiRecording(name: string): GeminiInteraction[] {
  const parsed: unknown = JSON.parse(readFileSync(join(realTranscriptsDir, 'gemini', name), 'utf8'));
  if (!isRecord(parsed) || !Array.isArray(parsed.interactions)) throw new Error(`${name}: not a recording`);
  return parsed.interactions.map((interaction: unknown): GeminiInteraction => {
    if (!isRecord(interaction) || !isRecord(interaction.request) || !isRecord(interaction.response)) {
      throw new Error(`${name}: malformed interaction`);
    }
    const { request, response } = interaction;
    const headers: Record<string, string> = {};
    if (isRecord(response.headers)) {
      for (const [k, v] of Object.entries(response.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
    }
    const requestSegments = Array.isArray(request.bodySegments) ? request.bodySegments : [];
    return {
      url: typeof request.url === 'string' ? request.url : '',
      requestBody: requestSegments[0],
      status: typeof response.statusCode === 'number' ? response.statusCode : 200,
      headers,
      segments: Array.isArray(response.bodySegments) ? response.bodySegments : [],
    };
  });
}
