import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CatalogueModel, PriceSchedule } from './catalogueTypes';
import { MODELS_CATALOGUE } from './modelsCatalogue';

/** The newer catalogue `conduit models update` accepted, under CONDUIT_HOME. */
export function overlayFile(home: string): string {
  return path.join(home, 'models.json');
}

export interface StoredOverlay {
  from: string;
  readAt: string;
  models: CatalogueModel[];
}

const BUNDLED: readonly CatalogueModel[] = [...MODELS_CATALOGUE];
let version = 0;

/** Bumped on every overlay change, so caches keyed on the catalogue can tell. */
export function catalogueVersion(): number {
  return version;
}

/**
 * Puts an accepted catalogue over the bundled one: its entries replace the bundled entries of
 * the same provider and id, new ones are added. MODELS_CATALOGUE is changed in place, so every
 * lookup sees it; null goes back to the bundled snapshot.
 */
export function applyOverlay(models: readonly CatalogueModel[] | null): void {
  const byKey = new Map(BUNDLED.map((m) => [`${m.provider}/${m.id}`, m] as const));
  for (const m of models ?? []) byKey.set(`${m.provider}/${m.id}`, m);
  const list = MODELS_CATALOGUE as CatalogueModel[];
  list.splice(0, list.length, ...byKey.values());
  version++;
}

/** Reads the stored overlay (undefined when none); a damaged file is an error that says so. */
export function readOverlay(home: string): StoredOverlay | undefined {
  const file = overlayFile(home);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as StoredOverlay;
    if (!Array.isArray(parsed.models)) throw new Error('no models');
    return parsed;
  } catch (err) {
    throw new Error(
      `${file} is not a catalogue Conduit wrote (${err instanceof Error ? err.message : String(err)}); delete it to use the bundled prices, or run \`conduit models update\` again.`,
      { cause: err },
    );
  }
}

/** At start-up (daemon and CLI): the stored overlay over the bundled catalogue, if there is one. */
export function loadOverlay(home: string, log?: (msg: string, fields: Record<string, unknown>) => void): void {
  try {
    const stored = readOverlay(home);
    if (stored) applyOverlay(stored.models);
  } catch (err) {
    log?.('models: the stored catalogue could not be read; using the bundled one', {
      err: err instanceof Error ? err.message : String(err),
    });
  }
}

export function writeOverlay(home: string, overlay: StoredOverlay): void {
  const file = overlayFile(home);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(overlay, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export interface PriceChangeLine {
  model: string;
  field: string;
  from: number | null;
  to: number | null;
  kind: 'lower' | 'higher' | 'new' | 'added' | 'dropped';
}

const FIELDS = ['input', 'output', 'cacheRead', 'cacheWrite', 'cacheWrite1h'] as const;

/** Every price that differs between the catalogue in use and a newer one, by model and field. */
export function priceDiff(current: readonly CatalogueModel[], next: readonly CatalogueModel[]): PriceChangeLine[] {
  const now = new Map<string, CatalogueModel>(current.map((m) => [`${m.provider}/${m.id}`, m]));
  const out: PriceChangeLine[] = [];
  for (const m of next) {
    const key = `${m.provider}/${m.id}`;
    const old = now.get(key);
    if (!old) {
      out.push({ model: key, field: 'model', from: null, to: m.prices.input, kind: 'added' });
      continue;
    }
    compare(key, '', old.prices, m.prices, out);
    if (old.prices.longPrompt || m.prices.longPrompt)
      compare(key, 'long-prompt ', old.prices.longPrompt, m.prices.longPrompt, out);
  }
  return out;
}

function compare(
  model: string,
  prefix: string,
  a: PriceSchedule | undefined,
  b: PriceSchedule | undefined,
  out: PriceChangeLine[],
): void {
  for (const f of FIELDS) {
    const from = a?.[f] ?? null;
    const to = b?.[f] ?? null;
    if (from === to) continue;
    const kind = from === null ? 'new' : to === null ? 'dropped' : to < from ? 'lower' : 'higher';
    out.push({ model, field: `${prefix}${f}`, from, to, kind });
  }
}
