import { ProviderIds, type ProviderId } from '../protocol';

/**
 * Maps the `conduit.*` VS Code settings onto the daemon's config object (the shape of
 * CONDUIT_HOME/config.json). Pure: it is given a reader, so it runs without VS Code.
 *
 * Only settings the user set are sent; the rest fall back to config.json or the daemon's defaults.
 * Values are passed through as they are: the daemon's schema is the one judge of what is valid,
 * and reports each problem by its config path, which `settingFor` turns back into a setting name.
 */

/** Returns the value the user set (any scope), or undefined when it is left at its default. */
export type SettingsReader = (key: string) => unknown;

export interface BridgeResult {
  settings: Record<string, unknown>;
  /** Values the bridge itself could not read, as "conduit.x: why". */
  problems: string[];
}

interface Mapping {
  /** The setting, without the `conduit.` prefix. */
  key: string;
  /** Where it lands in the daemon config. */
  path: readonly string[];
  convert?: (value: unknown, problems: string[]) => unknown;
}

const MINUTE_MS = 60_000;

const MAPPINGS: readonly Mapping[] = [
  { key: 'provider', path: ['provider'] },
  { key: 'logLevel', path: ['logLevel'] },
  { key: 'fallback.chains', path: ['resilience', 'fallback', 'chains'], convert: chains },
  { key: 'fallback.allowCostlier', path: ['resilience', 'fallback', 'allowCostlier'] },
  { key: 'timeouts.connectMs', path: ['resilience', 'timeouts', 'connectMs'] },
  { key: 'timeouts.firstByteMs', path: ['resilience', 'timeouts', 'firstByteMs'] },
  { key: 'timeouts.streamIdleMs', path: ['resilience', 'timeouts', 'streamIdleMs'] },
  { key: 'timeouts.requestMs', path: ['resilience', 'timeouts', 'requestMs'] },
  { key: 'rateLimit.tier', path: ['rateLimit', 'tier'] },
  { key: 'rateLimit.enabled', path: ['rateLimit', 'enabled'] },
  { key: 'cache.enabled', path: ['cache', 'enabled'] },
  {
    key: 'cache.ttlMinutes',
    path: ['cache', 'ttlMs'],
    convert: (v) => (typeof v === 'number' ? Math.round(v * MINUTE_MS) : v),
  },
  { key: 'cache.semantic.enabled', path: ['cache', 'semantic', 'enabled'] },
  { key: 'cache.semantic.threshold', path: ['cache', 'semantic', 'threshold'] },
  { key: 'cache.semantic.embedder', path: ['cache', 'semantic', 'embedder'] },
  { key: 'cache.semantic.batch.windowMs', path: ['cache', 'semantic', 'batch', 'windowMs'] },
  { key: 'cache.semantic.batch.backgroundWindowMs', path: ['cache', 'semantic', 'batch', 'backgroundWindowMs'] },
  { key: 'alerts.errorRate', path: ['alerts', 'errorRate', 'rate'] },
  { key: 'alerts.latencyP95Ms', path: ['alerts', 'latencyP95', 'thresholdMs'] },
  { key: 'alerts.costSpikeRatio', path: ['alerts', 'costSpike', 'ratio'] },
  // Whole objects, in the daemon's own shape (daemon/router/routingSettings.ts,
  // daemon/usage/budgetSettings.ts); its schema reports a bad field by its path, e.g. "budgets.dailyUsd".
  { key: 'routing', path: ['routing'] },
  { key: 'budgets', path: ['budgets'] },
  // Team mode (daemon/team/teamSettings.ts): shared limits, cache, budgets and usage on Redis.
  { key: 'team.redisUrl', path: ['team', 'redisUrl'], convert: unlessEmpty },
  { key: 'team.id', path: ['team', 'id'] },
  { key: 'team.displayName', path: ['team', 'displayName'], convert: unlessEmpty },
  { key: 'team.offlineShare', path: ['team', 'offlineShare'] },
  { key: 'team.budgets', path: ['team', 'budgets'] },
  // The local endpoint (daemon/http/serverSettings.ts); applied live.
  { key: 'usage.retentionDays', path: ['usage', 'retentionDays'] },
  { key: 'server.enabled', path: ['server', 'enabled'] },
  { key: 'server.port', path: ['server', 'port'] },
  { key: 'server.host', path: ['server', 'host'] },
  { key: 'server.allowedOrigins', path: ['server', 'allowedOrigins'] },
];

/** An empty text setting means "not set". */
function unlessEmpty(value: unknown): unknown {
  return value === '' ? undefined : value;
}

/** Per-provider settings: `conduit.models.<id>` and `conduit.baseUrls.<id>`. */
const PER_PROVIDER: readonly { key: 'models' | 'baseUrls'; field: 'model' | 'baseURL' }[] = [
  { key: 'models', field: 'model' },
  { key: 'baseUrls', field: 'baseURL' },
];

/** Every setting the bridge sends, without the `conduit.` prefix. */
export const BRIDGED_SETTINGS: readonly string[] = [...MAPPINGS.map((m) => m.key), ...PER_PROVIDER.map((p) => p.key)];

export function settingsToDaemonConfig(read: SettingsReader): BridgeResult {
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const m of MAPPINGS) {
    const value = read(m.key);
    if (value === undefined || value === null) continue;
    const converted = m.convert ? m.convert(value, problems) : value;
    if (converted !== undefined) setPath(settings, m.path, converted);
  }
  for (const { key, field } of PER_PROVIDER) {
    const value = read(key);
    if (value === undefined || value === null) continue;
    if (!isRecord(value)) {
      problems.push(`conduit.${key}: must be an object of provider → value`);
      continue;
    }
    for (const [provider, v] of Object.entries(value)) {
      if (!isProvider(provider)) {
        problems.push(`conduit.${key}: unknown provider "${provider}" (one of ${ProviderIds.join(', ')})`);
        continue;
      }
      if (typeof v === 'string' && v.trim() === '') continue;
      if (key === 'models' && isRecord(v)) {
        // Per tier: {"simple": "…", "moderate": "…", "complex": "…"}, what routing picks from.
        setPath(settings, ['providers', provider, 'models'], v);
        continue;
      }
      setPath(settings, ['providers', provider, field], typeof v === 'string' ? v.trim() : v);
      // One model named for a provider answers at every tier, routing on or off.
      if (key === 'models' && typeof v === 'string') {
        const model = v.trim();
        setPath(settings, ['providers', provider, 'models'], { simple: model, moderate: model, complex: model });
      }
    }
  }
  platforms(read('platforms'), settings, problems);
  return { settings, problems };
}

/** The fields `conduit.platforms.<id>` may set: where a cloud platform serves, never credentials. */
const PLATFORM_FIELDS = new Set(['region', 'project', 'location', 'apiVersion', 'deployments']);

/** `{"anthropicVertex": {"project": "p", "location": "us-east5"}}` → `providers.<id>.<field>`. */
function platforms(value: unknown, settings: Record<string, unknown>, problems: string[]): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) {
    problems.push(
      'conduit.platforms: must be an object of provider → { region, project, location, apiVersion, deployments }',
    );
    return;
  }
  for (const [provider, fields] of Object.entries(value)) {
    if (!isProvider(provider) || !isRecord(fields)) {
      problems.push(`conduit.platforms: "${provider}" must be a cloud provider id with an object of settings`);
      continue;
    }
    for (const [field, v] of Object.entries(fields)) {
      // Anything else (a key pasted here by mistake) is never sent, not even to be refused.
      if (PLATFORM_FIELDS.has(field)) setPath(settings, ['providers', provider, field], v);
      else
        problems.push(
          `conduit.platforms.${provider}.${field}: not a platform setting (${[...PLATFORM_FIELDS].join(', ')}); credentials never go in settings`,
        );
    }
  }
}

/** `{"*": ["openai/gpt-5.4-mini", "gemini"]}` → the daemon's `{provider, model?}` targets. */
function chains(value: unknown, problems: string[]): unknown {
  if (!isRecord(value)) {
    problems.push('conduit.fallback.chains: must be an object of feature → ["provider/model", …]');
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [feature, list] of Object.entries(value)) {
    if (!Array.isArray(list)) {
      problems.push(`conduit.fallback.chains.${feature}: must be a list of "provider" or "provider/model"`);
      continue;
    }
    const targets: { provider: ProviderId; model?: string }[] = [];
    for (const item of list) {
      const text = typeof item === 'string' ? item.trim() : '';
      const slash = text.indexOf('/');
      const provider = slash === -1 ? text : text.slice(0, slash);
      const model = slash === -1 ? '' : text.slice(slash + 1).trim();
      if (!isProvider(provider)) {
        problems.push(
          `conduit.fallback.chains.${feature}: "${String(item)}" does not start with a provider (${ProviderIds.join(', ')})`,
        );
        continue;
      }
      targets.push(model ? { provider, model } : { provider });
    }
    out[feature] = targets;
  }
  return out;
}

/**
 * The setting a daemon problem ("resilience.timeouts.connectMs: Too small…") is about, so the
 * message names what the user can change.
 */
export function settingFor(problem: string): string | undefined {
  const path = problem.split(':', 1)[0]?.trim() ?? '';
  const parts = path.split('.');
  if (parts[0] === 'providers' && parts[1] && !['baseURL', 'model', 'models'].includes(parts[2] ?? ''))
    return `conduit.platforms.${parts[1]}`;
  if (parts[0] === 'providers' && parts[1])
    return parts[2] === 'baseURL' ? `conduit.baseUrls.${parts[1]}` : `conduit.models.${parts[1]}`;
  let best: Mapping | undefined;
  for (const m of MAPPINGS) {
    const prefix = m.path.every((p, i) => parts[i] === p);
    if (prefix && (!best || m.path.length > best.path.length)) best = m;
  }
  return best ? `conduit.${best.key}` : undefined;
}

/** A daemon problem, phrased with the setting's name when there is one. */
export function describeProblem(problem: string): string {
  const setting = settingFor(problem);
  return setting ? `${setting} (${problem})` : problem;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (isRecord(next)) node = next;
    else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isProvider(value: string): value is ProviderId {
  return (ProviderIds as readonly string[]).includes(value);
}
