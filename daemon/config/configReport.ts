import * as fs from 'node:fs';
import type { z } from 'zod';
import type { Alert } from '../../protocol';
import { configSchema, ConfigError, type ConduitConfig } from './config';
import { ONE_SHOT_PARSE } from './oneShotParse';

/** One setting that could not be used, or one that works but should change. */
export interface ConfigProblem {
  /** Dotted path, e.g. `budgets.dailyUsd`; `(file)` for the file as a whole. */
  path: string;
  severity: 'invalid' | 'warning';
  message: string;
}

export interface ConfigReport {
  config: ConduitConfig;
  problems: ConfigProblem[];
  /** Values found in the file that must never reach a log (a password in a Redis URL). */
  secrets: string[];
}

/** Enough rounds to drop every bad key of a file with many; each round drops at least one. */
const MAX_ROUNDS = 50;

/**
 * Reads config.json keeping every valid setting: a bad value drops only its own key (which then
 * takes its default), never the rest of the file. Only a file that is not JSON, or whose top
 * level is not an object, falls back to the defaults as a whole. Every dropped key is reported
 * with the default now in force, for `conduit status`, the status bar and an alert.
 */
export function loadConfigReport(file: string): ConfigReport {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { config: configSchema.parse({}, ONE_SHOT_PARSE), problems: [], secrets: [] };
    return wholeFile(
      `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); every setting is at its default`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return wholeFile(
      `is not valid JSON (${(err as Error).message}); every setting is at its default until it is fixed`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return wholeFile('must hold a JSON object; every setting is at its default');
  const { value, dropped } = dropInvalid(json as Record<string, unknown>);
  const config = value ?? configSchema.parse({}, ONE_SHOT_PARSE);
  const problems: ConfigProblem[] = dropped.map((d) => ({
    path: d.path,
    severity: 'invalid',
    message: `${d.path}: ${d.message}; ${inForce(config, d.path)}`,
  }));
  const secrets: string[] = [];
  const password = urlPassword(config.team.redisUrl);
  if (password) {
    secrets.push(password, encodeURIComponent(password));
    problems.push({
      path: 'team.redisUrl',
      severity: 'warning',
      message:
        'team.redisUrl holds a password. It is used, but it belongs in the OS keychain: run `conduit team password`, then remove it from the URL.',
    });
  }
  return { config, problems, secrets };
}

/** The strict parse, as before, for callers that must refuse a file with any bad key. */
export function throwIfInvalid(report: ConfigReport, file: string): ConduitConfig {
  const invalid = report.problems.filter((p) => p.severity === 'invalid');
  if (invalid.length > 0)
    throw new ConfigError(`${file} has invalid settings: ${invalid.map((p) => p.message).join(' ')}`);
  return report.config;
}

/** An alert naming every invalid setting and the defaults in force; none when the file is fine. */
export function configAlert(report: ConfigReport, file: string, at: number): Alert | undefined {
  if (report.problems.length === 0) return undefined;
  const invalid = report.problems.some((p) => p.severity === 'invalid');
  const message = `${file}: ${report.problems.map((p) => p.message).join(' ')}`;
  return {
    id: 'config_invalid',
    kind: 'config_invalid',
    severity: invalid ? 'critical' : 'warning',
    message,
    value: report.problems.length,
    threshold: 1,
    firedAt: at,
    lastSentAt: at,
    clearedAt: null,
  };
}

function wholeFile(problem: string): ConfigReport {
  return {
    config: configSchema.parse({}, ONE_SHOT_PARSE),
    problems: [{ path: '(file)', severity: 'invalid', message: `config.json ${problem}.` }],
    secrets: [],
  };
}

function dropInvalid(json: Record<string, unknown>): {
  value: ConduitConfig | undefined;
  dropped: { path: string; message: string }[];
} {
  const copy = structuredClone(json);
  const dropped: { path: string; message: string }[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const parsed = configSchema.safeParse(copy, ONE_SHOT_PARSE);
    if (parsed.success) return { value: parsed.data, dropped };
    let removed = 0;
    for (const issue of parsed.error.issues) {
      const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
      for (const p of paths) {
        if (p.length === 0 || !removeAt(copy, p)) continue;
        removed++;
        dropped.push({ path: p.join('.'), message: describe(issue) });
      }
    }
    if (removed === 0) break;
  }
  return {
    value: undefined,
    dropped: dropped.length ? dropped : [{ path: '(file)', message: 'cannot be read as settings' }],
  };
}

function describe(issue: z.core.$ZodIssue): string {
  return issue.code === 'unrecognized_keys' ? 'is not a setting Conduit knows (a typo?)' : issue.message;
}

/** Deletes the value at `path`; the nearest key that exists is the one removed. */
function removeAt(root: Record<string, unknown>, path: PropertyKey[]): boolean {
  let node: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    const next = (node as Record<PropertyKey, unknown>)[path[i] as string];
    if (typeof next !== 'object' || next === null) return i === 0 ? false : removeAt(root, path.slice(0, i + 1));
    node = next;
  }
  const key = path[path.length - 1] as string;
  if (Array.isArray(node)) {
    // An array with a bad element is dropped whole: half a list means something else.
    return removeAt(root, path.slice(0, -1));
  }
  if (typeof node !== 'object' || node === null || !(key in node)) return false;
  delete (node as Record<string, unknown>)[key];
  return true;
}

function inForce(config: ConduitConfig, path: string): string {
  let node: unknown = config;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null) {
      node = undefined;
      break;
    }
    node = (node as Record<string, unknown>)[part];
  }
  if (node === undefined) return 'it is ignored (no default: unset)';
  const shown = JSON.stringify(node);
  return `the default is in force: ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}`;
}

function urlPassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.password ? decodeURIComponent(u.password) : undefined;
  } catch {
    return undefined;
  }
}
