import { ConfigUpdateRequest, type ConfigUpdateResult } from '../../../protocol';
import { configSchema, type ConduitConfig } from '../../config/config';
import type { RegisterHandlers } from '../clientSession';
import { answer } from './answer';

export interface ConfigHandlerDeps {
  /** The configuration from config.json (or the defaults), read afresh for each update. */
  fileConfig: () => ConduitConfig;
  /** Puts a validated configuration in force. */
  apply: (config: ConduitConfig) => void;
  log: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
}

type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; anything else (arrays included) replaces what was there. */
export function layOver(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = layOver(base[key], value);
  return out;
}

/**
 * The settings laid over config.json and validated as one config. Invalid settings change
 * nothing: the caller keeps the configuration in force and shows the problems.
 */
export function configWithSettings(file: ConduitConfig, settings: unknown): { config: ConduitConfig; problems: [] } | { config: undefined; problems: string[] } {
  if (!isPlainObject(settings)) return { config: undefined, problems: ['(root): settings must be an object'] };
  const parsed = configSchema.safeParse(layOver(file, settings));
  if (parsed.success) return { config: parsed.data, problems: [] };
  return { config: undefined, problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) };
}

/** `config/update`: thin; the schema in daemon/config is the judge. */
export function configHandlers(deps: ConfigHandlerDeps): RegisterHandlers {
  return (connection, ctx) => {
    connection.onRequest(ConfigUpdateRequest.type, (params) => answer(ctx.requireAuth, async (): Promise<ConfigUpdateResult> => {
      const result = configWithSettings(deps.fileConfig(), params?.settings);
      const source = typeof params?.source === 'string' ? params.source.slice(0, 40) : ctx.client();
      if (!result.config) {
        deps.log('warn', 'config update rejected; the previous configuration stays', { source, problems: result.problems });
        return { applied: false, problems: result.problems };
      }
      deps.apply(result.config);
      deps.log('info', 'config updated', { source, keys: Object.keys(params.settings) });
      return { applied: true, problems: [] };
    }));
  };
}
