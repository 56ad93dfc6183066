/** One question of the usage-at-scale bench (usageScaleBench.ts), as its tables print it. */
export interface Measure {
  name: string;
  daemonMs: number;
  cliMs: number;
  maxRssMb: number;
  afterRssMb: number;
  detail?: string;
}

/** Issue #27: the daemon's RSS within this much of its idle RSS during and after every query. */
export const RSS_BOUND_MB = 50;

const cell = (v: number, text: string, width: number): string => (Number.isNaN(v) ? '-' : text).padStart(width);

/** A round's questions, with whether each stayed within the RSS bound during and after it. */
export function measureTable(label: string, rows: Measure[]): string {
  return [
    `${label}`,
    `  ${'question'.padEnd(34)} ${'daemon'.padStart(9)} ${'CLI'.padStart(9)} ${'RSS +max'.padStart(9)} ${'RSS +after'.padStart(10)} ${`<=${RSS_BOUND_MB} MB`.padStart(8)}`,
    ...rows.map((m) => {
      const within = Number.isNaN(m.maxRssMb) ? '-' : Math.max(m.maxRssMb, m.afterRssMb) <= RSS_BOUND_MB ? 'yes' : 'NO';
      return (
        `  ${m.name.padEnd(34)} ${cell(m.daemonMs, `${m.daemonMs.toFixed(1)} ms`, 9)} ${cell(m.cliMs, `${m.cliMs.toFixed(0)} ms`, 9)}` +
        ` ${cell(m.maxRssMb, `${m.maxRssMb.toFixed(1)} MB`, 9)} ${cell(m.afterRssMb, `${m.afterRssMb.toFixed(1)} MB`, 10)} ${within.padStart(8)}` +
        `${m.detail ? `  ${m.detail}` : ''}`
      );
    }),
  ].join('\n');
}
