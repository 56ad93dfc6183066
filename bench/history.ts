import * as fs from 'node:fs';
import * as path from 'node:path';
import { machineDescription, measuredAt } from './machine';

/**
 * Appends one run's figures to bench/results/ as a file of its own (date, machine, Node, load
 * average, figures), so runs can be compared over time. Returns the file's path.
 */
export function keepResult(repo: string, kind: string, figures: Record<string, unknown>): string {
  const dir = path.join(repo, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const at = measuredAt();
  const file = path.join(dir, `${kind}-${at.date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ kind, ...at, machine: machineDescription(), ...figures }, null, 2)}\n`);
  return file;
}
