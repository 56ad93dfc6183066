import { ProviderIds, type ChatRequest, type ProviderId } from '../../protocol';
import { UsageError } from './context';

/** The flags every command that takes a prompt shares (`ask`, `route`). */
export const PROMPT_OPTIONS = {
  provider: { type: 'string', short: 'p' },
  model: { type: 'string', short: 'm' },
  system: { type: 'string', short: 's' },
  feature: { type: 'string' },
  'max-tokens': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export interface PromptValues {
  provider?: string | undefined;
  model?: string | undefined;
  system?: string | undefined;
  feature?: string | undefined;
  'max-tokens'?: string | undefined;
}

/** The request a prompt command sends: the prompt from the arguments or stdin, and the shared flags. */
export async function promptRequest(
  command: string,
  values: PromptValues,
  positionals: string[],
): Promise<ChatRequest> {
  const prompt = positionals.length > 0 ? positionals.join(' ') : await readStdin();
  if (!prompt.trim()) throw new UsageError(`${command} needs a prompt: conduit ${command} "…", or pipe it on stdin.`);
  const request: ChatRequest = { messages: [{ role: 'user', content: prompt }], feature: values.feature ?? 'ask' };
  if (values.provider !== undefined) request.provider = parseProvider(values.provider);
  if (values.model !== undefined) request.model = values.model;
  if (values.system !== undefined) request.system = values.system;
  if (values['max-tokens'] !== undefined) request.max_tokens = parsePositiveInt(values['max-tokens'], '--max-tokens');
  return request;
}

export function parseProvider(value: string): ProviderId {
  if ((ProviderIds as readonly string[]).includes(value)) return value as ProviderId;
  throw new UsageError(`unknown provider "${value}"; expected one of ${ProviderIds.join(', ')}.`);
}

export function parsePositiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a whole number ≥ 1, got "${value}".`);
  return n;
}

export function parseNumber(value: string, flag: string, range?: { min: number; max: number }): number {
  const n = Number(value);
  if (!Number.isFinite(n) || value.trim() === '') throw new UsageError(`${flag} must be a number, got "${value}".`);
  if (range && n < range.min)
    throw new UsageError(
      `${flag} must be ≥ ${range.min}${range.max !== Infinity ? ` and ≤ ${range.max}` : ''}, got ${value}.`,
    );
  if (range && n > range.max)
    throw new UsageError(`${flag} must be ≤ ${range.max} (and ≥ ${range.min}), got ${value}.`);
  return n;
}

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
