import { createHash } from 'node:crypto';
import type { ChatMessage, ProviderId } from '../../protocol';

/** The parts of a request that decide its answer; everything else (feature, priority, stream) does not. */
export interface CanonicalRequest {
  provider: ProviderId;
  model: string;
  system?: string;
  messages: readonly ChatMessage[];
  /** Absent means the provider's default. */
  temperature?: number;
  /** The effective limit, after the configured default is applied. */
  maxTokens: number;
  /** An output format the answer must follow (e.g. "json"). */
  responseFormat?: string;
}

/** Runs of whitespace become one space and the ends are trimmed: such differences never change an answer. */
export function normalizeText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The exact-cache key: sha256 over a JSON array in a fixed order (an object's key order could
 * vary with how a client built it). Tools join the array when requests carry them.
 */
export function exactKey(req: CanonicalRequest): string {
  return sha256(JSON.stringify([
    'v1',
    req.provider,
    req.model,
    normalizeText(req.system ?? ''),
    req.messages.map((m) => [m.role, normalizeText(m.content)]),
    req.temperature ?? null,
    req.maxTokens,
    req.responseFormat ?? null,
  ]));
}

/**
 * The semantic scope: the boundaries a near match may never cross. Same provider and model, same
 * system prompt, same parameters, and the same conversation before the last message; only the
 * last message is compared by meaning.
 */
export function semanticScope(req: CanonicalRequest): string {
  return sha256(JSON.stringify([
    'scope-v1',
    req.provider,
    req.model,
    sha256(normalizeText(req.system ?? '')),
    req.messages.slice(0, -1).map((m) => [m.role, normalizeText(m.content)]),
    req.temperature ?? null,
    req.maxTokens,
    req.responseFormat ?? null,
  ]));
}

/** The text a semantic lookup compares: the last user message, or null when the request ends otherwise. */
export function semanticText(req: CanonicalRequest): string | null {
  const last = req.messages[req.messages.length - 1];
  return last && last.role === 'user' ? normalizeText(last.content) : null;
}
