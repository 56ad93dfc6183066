import { Emitter, type Event } from 'vscode-jsonrpc/node';
import { configSchema, ConfigError, loadConfig, type ConduitConfig } from '../config/config';

/**
 * The configuration in effect. It starts as config.json (or the defaults, when the file is
 * invalid) and is replaced whenever VS Code's settings arrive (config/apply); the parts read it
 * through `get`, so a change reaches them without rebuilding anything.
 */
export class LiveConfig {
  /** What the parts built at start were built with; see config/restartSettings.ts. */
  readonly startedWith: ConduitConfig;
  /** Why config.json was not used, when it was not. */
  readonly problem: string | undefined;
  private current: ConduitConfig;
  private readonly changed = new Emitter<ConduitConfig>();
  readonly onChange: Event<ConduitConfig> = this.changed.event;

  constructor(private readonly file: string) {
    let problem: string | undefined;
    let config: ConduitConfig;
    try {
      config = loadConfig(file);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problem = err.message;
      config = configSchema.parse({});
    }
    this.current = config;
    this.startedWith = config;
    this.problem = problem;
  }

  readonly get = (): ConduitConfig => this.current;

  /** config.json as it is now, or the defaults when it cannot be read. */
  readonly fromFile = (): ConduitConfig => {
    try {
      return loadConfig(this.file);
    } catch {
      return configSchema.parse({});
    }
  };

  set(next: ConduitConfig): void {
    this.current = next;
    this.changed.fire(next);
  }
}
