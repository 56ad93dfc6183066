import { Emitter, type Event } from 'vscode-jsonrpc/node';
import type { ConduitConfig } from '../config/config';
import { loadConfigReport, type ConfigReport } from '../config/configReport';

/**
 * The configuration in effect. It starts as config.json (a setting that is invalid takes its
 * default and is reported; the rest of the file applies) and is replaced whenever VS Code's
 * settings arrive (config/apply); the parts read it through `get`, so a change reaches them
 * without rebuilding anything.
 */
export class LiveConfig {
  /** What the parts built at start were built with; see config/restartSettings.ts. */
  readonly startedWith: ConduitConfig;
  private current: ConduitConfig;
  private lastReport: ConfigReport;
  private readonly changed = new Emitter<ConduitConfig>();
  readonly onChange: Event<ConduitConfig> = this.changed.event;

  /** `addSecret` learns the secrets found in the file (a Redis password), so no log shows them. */
  constructor(
    private readonly file: string,
    private readonly addSecret: (secret: string) => void = () => undefined,
  ) {
    this.lastReport = this.load();
    this.current = this.lastReport.config;
    this.startedWith = this.current;
  }

  readonly get = (): ConduitConfig => this.current;

  /** config.json's settings that could not be used or should change, as last read. */
  get report(): ConfigReport {
    return this.lastReport;
  }

  /** config.json as it is now (read again), invalid settings at their defaults. */
  readonly fromFile = (): ConduitConfig => {
    this.lastReport = this.load();
    return this.lastReport.config;
  };

  set(next: ConduitConfig): void {
    this.current = next;
    this.changed.fire(next);
  }

  private load(): ConfigReport {
    const report = loadConfigReport(this.file);
    for (const secret of report.secrets) this.addSecret(secret);
    return report;
  }
}
