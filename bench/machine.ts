import * as os from 'node:os';

/** What a figure was measured on: no host name and no path, so results can be shared and kept. */
export interface MachineDescription {
  cpu: string;
  cores: number;
  os: string;
  arch: string;
  totalMemoryGb: number;
}

/** When a figure was measured, and how busy the machine was then. */
export interface MeasuredAt {
  date: string;
  node: string;
  /** os.loadavg(): the 1, 5 and 15 minute load averages (Windows reports zeros). */
  loadavg: [number, number, number];
}

export function machineDescription(): MachineDescription {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    os: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    totalMemoryGb: +(os.totalmem() / 2 ** 30).toFixed(1),
  };
}

export function measuredAt(): MeasuredAt {
  const [a, b, c] = os.loadavg();
  return { date: new Date().toISOString(), node: process.version, loadavg: [a!, b!, c!] };
}

/** The line printed under every table: load average, Node version and date of that table's run. */
export function describeMeasuredAt(at: MeasuredAt): string {
  const load = at.loadavg.map((x) => x.toFixed(2)).join(' / ');
  return `load average ${load} (1/5/15 min) on ${os.availableParallelism()} cores; Node ${at.node}; ${at.date}`;
}
