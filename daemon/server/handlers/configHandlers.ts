import { ConfigUpdateRequest, type ConfigUpdateResult } from '../../../protocol';
import type { MessageConnection } from 'vscode-jsonrpc';
import { configSchema, type ConduitConfig } from '../../config/config';
import { isPlainObject, settingsDiff } from '../../config/settingsDiff';
import type { RegisterHandlers } from '../clientSession';
import { answer } from './answer';

export interface ConfigHandlerDeps {
  /** The configuration from config.json (or the defaults), read afresh for each update. */
  fileConfig: () => ConduitConfig;
  /** Puts a validated configuration in force. */
  apply: (config: ConduitConfig) => void;
  log: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
  /** The paths of a new configuration that take effect only when the daemon next starts. */
  restartNeeded?: (next: ConduitConfig) => string[];
}

type Json = Record<string, unknown>;

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
export function configWithSettings(
  file: ConduitConfig,
  settings: unknown,
): { config: ConduitConfig; problems: [] } | { config: undefined; problems: string[] } {
  if (!isPlainObject(settings)) return { config: undefined, problems: ['(root): settings must be an object'] };
  const parsed = configSchema.safeParse(layOver(file, settings));
  if (parsed.success) return { config: parsed.data, problems: [] };
  return {
    config: undefined,
    problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
  };
}

/**
 * `config/update`: thin; the schema in daemon/config is the judge. The daemon is shared, so the
 * last push is in force; each client's last push is kept while it stays connected, and a push that
 * disagrees with another client's is answered with where they differ.
 */
export function configHandlers(deps: ConfigHandlerDeps): RegisterHandlers {
  const pushed = new Map<MessageConnection, unknown>();
  return (connection, ctx) => {
    connection.onClose(() => pushed.delete(connection));
    connection.onRequest(ConfigUpdateRequest.type, (params) =>
      answer(ctx.requireAuth, async (): Promise<ConfigUpdateResult> => {
        const result = configWithSettings(deps.fileConfig(), params?.settings);
        const source = typeof params?.source === 'string' ? params.source.slice(0, 40) : ctx.client();
        if (!result.config) {
          deps.log('warn', 'config update rejected; the previous configuration stays', {
            source,
            problems: result.problems,
          });
          return { applied: false, problems: result.problems };
        }
        deps.apply(result.config);
        const others = [...pushed].filter(([c]) => c !== connection);
        const conflicts = [
          ...new Set(others.flatMap(([, settings]) => settingsDiff(params.settings, settings))),
        ].sort();
        pushed.set(connection, params.settings);
        const restartNeeded = deps.restartNeeded?.(result.config) ?? [];
        deps.log('info', 'config updated', {
          source,
          keys: Object.keys(params.settings),
          ...(restartNeeded.length ? { restartNeeded } : {}),
          ...(conflicts.length ? { conflicts } : {}),
        });
        return {
          applied: true,
          problems: [],
          ...(restartNeeded.length ? { restartNeeded } : {}),
          ...(conflicts.length ? { conflicts } : {}),
        };
      }),
    );
  };
}
