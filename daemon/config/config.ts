import * as fs from 'node:fs';
import { z } from 'zod';
import { ProviderIds, type ProviderId } from '../../protocol';

const providerSettings = z.object({
  baseURL: z.string().url().optional(),
  model: z.string().min(1).optional(),
}).strict();

export const configSchema = z.object({
  provider: z.enum(ProviderIds).default('anthropic'),
  idleTimeoutMinutes: z.number().positive().max(7 * 24 * 60).default(30),
  /** The largest JSON-RPC message the daemon accepts, in bytes. */
  maxMessageBytes: z.number().int().min(64 * 1024).max(256 * 1024 * 1024).default(8 * 1024 * 1024),
  /** The largest prompt (system + messages) in characters; the guard refuses more. */
  maxPromptChars: z.number().int().positive().default(1_000_000),
  defaultMaxTokens: z.number().int().positive().default(1024),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  providers: z.object({
    anthropic: providerSettings.default({}),
    openai: providerSettings.default({}),
    gemini: providerSettings.default({}),
    openaiCompatible: providerSettings.default({}),
  }).strict().default({ anthropic: {}, openai: {}, gemini: {}, openaiCompatible: {} }),
}).strict();

export type ConduitConfig = z.infer<typeof configSchema>;

export interface ResolvedProvider {
  id: ProviderId;
  baseURL: string;
  model: string;
}

const DEFAULT_BASE_URLS: Record<ProviderId, string> = {
  anthropic: 'https://api.anthropic.com',
  openai: 'https://api.openai.com/v1',
  gemini: 'https://generativelanguage.googleapis.com',
  // Ollama's OpenAI-compatible endpoint; LM Studio and vLLM users set their own.
  openaiCompatible: 'http://127.0.0.1:11434/v1',
};

/** Until the routing issue brings the models catalogue, one sensible model per provider. */
const DEFAULT_MODELS: Record<ProviderId, string> = {
  anthropic: 'claude-sonnet-4-6',
  openai: 'gpt-5.4-mini',
  gemini: 'gemini-2.5-flash',
  openaiCompatible: 'llama3.2',
};

const BASE_URL_ENV: Record<ProviderId, string> = {
  anthropic: 'ANTHROPIC_BASE_URL',
  openai: 'OPENAI_BASE_URL',
  gemini: 'GOOGLE_GEMINI_BASE_URL',
  openaiCompatible: 'CONDUIT_OPENAI_COMPATIBLE_BASE_URL',
};

export function resolveProvider(config: ConduitConfig, id: ProviderId, env: NodeJS.ProcessEnv = process.env): ResolvedProvider {
  const own = config.providers[id];
  return {
    id,
    baseURL: own.baseURL ?? env[BASE_URL_ENV[id]] ?? DEFAULT_BASE_URLS[id],
    model: own.model ?? DEFAULT_MODELS[id],
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads CONDUIT_HOME/config.json. A missing file means defaults. A broken one is an error
 * whose message names the file and the bad field, so the caller can keep its last good config.
 */
export function loadConfig(file: string): ConduitConfig {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return configSchema.parse({});
    throw new ConfigError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON (${(err as Error).message}). Fix it or delete it to use the defaults.`);
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError(`${file} has invalid settings: ${issues}. The defaults are used until it is fixed.`);
  }
  return parsed.data;
}
