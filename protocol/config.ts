import { RequestType } from 'vscode-jsonrpc';
import type { ConduitErrorData } from './errors';

/**
 * `config/update`: a client (the VS Code extension) pushes the settings its user set, as a
 * partial daemon config object (the shape of CONDUIT_HOME/config.json). The daemon lays them over
 * config.json, validates the result with its schema, and either applies it at once or keeps the
 * configuration it had and says why. Each update replaces the previous one, so a setting the user
 * removed falls back to config.json or the default.
 */
export interface ConfigUpdateParams {
  settings: Record<string, unknown>;
  /** Who sent it, for the log, e.g. "vscode". */
  source?: string;
}

export interface ConfigUpdateResult {
  applied: boolean;
  /** One line per invalid value: "path.to.field: what is wrong". Empty when applied. */
  problems: string[];
  /**
   * Config paths ("cache.semantic.embedder") whose new value the daemon takes only when it next
   * starts; everything else applied at once.
   */
  restartNeeded?: string[];
  /**
   * Config paths where another connected client (a VS Code window with other user settings: another
   * profile or install) last pushed a different value. The last push is in force.
   */
  conflicts?: string[];
}

export const ConfigUpdateRequest = {
  method: 'config/update',
  type: new RequestType<ConfigUpdateParams, ConfigUpdateResult, ConduitErrorData>('config/update'),
} as const;
