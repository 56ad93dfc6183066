import type { ProviderId, Tier } from '../../protocol';
import { MODELS_CATALOGUE, type CatalogueModel, type CatalogueProvider, type PriceSchedule } from './modelsCatalogue';
import { catalogueId, platformModelId, servedCatalogue } from './platformModels';

export type { CatalogueModel, CatalogueProvider, PriceSchedule } from './modelsCatalogue';

/**
 * The model each tier routes to when a request names none, per provider. Chosen from current,
 * non-deprecated catalogue entries (a test checks that none has an end-of-life date):
 * - Anthropic: the current Haiku / Sonnet / Opus.
 * - OpenAI: GPT-5.6 Luna (nano-class, cheapest current) for simple work; GPT-5.4 mini, the
 *   configured default until now, for moderate work (GPT-5.6 Terra's price is not confirmed);
 *   GPT-5.6 Sol, the flagship, for complex work.
 * - Gemini: 3.5 Flash-Lite (Google's replacement for 2.5 Flash), 3.8 Flash (its replacement
 *   for 2.5 Pro, and its best Flash), and 3.1 Pro Preview, the only Pro model served. It is a
 *   preview: Google may retire previews at short notice, so watch the deprecations page.
 */
export const DEFAULT_TIER_MODELS: Readonly<Record<CatalogueProvider, Readonly<Record<Tier, string>>>> = {
  anthropic: { simple: 'claude-haiku-5-5', moderate: 'claude-sonnet-5-5', complex: 'claude-opus-5-5' },
  openai: { simple: 'gpt-5.6-luna', moderate: 'gpt-5.4-mini', complex: 'gpt-5.6-sol' },
  gemini: { simple: 'gemini-3.5-flash-lite', moderate: 'gemini-3.8-flash', complex: 'gemini-3.1-pro-preview' },
};

/** A deprecation is "soon" when the end of life is at most this far away. */
export const DEPRECATION_SOON_MS = 30 * 24 * 60 * 60 * 1000;

export function isCatalogueProvider(provider: string): provider is CatalogueProvider {
  return provider === 'anthropic' || provider === 'openai' || provider === 'gemini';
}

/** Anthropic snapshots end in -YYYYMMDD, OpenAI ones in -YYYY-MM-DD, Gemini stable versions in -NNN. */
const SNAPSHOT_SUFFIXES: readonly RegExp[] = [/-\d{8}$/, /-\d{4}-\d{2}-\d{2}$/, /-\d{3}$/];

function normaliseId(id: string): string {
  let s = id.trim().toLowerCase();
  // The Gemini API names models "models/gemini-2.5-flash"; tuned models use "tunedModels/…".
  if (s.startsWith('models/')) s = s.slice('models/'.length);
  return s;
}

function byId(provider: CatalogueProvider, id: string): CatalogueModel | undefined {
  return MODELS_CATALOGUE.find((m) => m.provider === provider && (m.id === id || (m.aliases?.includes(id) ?? false)));
}

/**
 * The catalogue entry for a model id as a client or provider spells it: the exact id or a known
 * alias first, then the id with a dated snapshot suffix removed (claude-sonnet-4-5-20250929 →
 * claude-sonnet-4-5, gpt-5-mini-2025-08-07 → gpt-5-mini), and with a "models/" prefix removed.
 * A cloud platform's id is first read as the catalogue's (see platformModels.ts). Undefined for
 * providers outside the catalogue (openaiCompatible) and unknown ids.
 */
export function findModel(provider: ProviderId | string, id: string): CatalogueModel | undefined {
  const served = servedCatalogue(provider);
  if (served) return findModel(served, catalogueId(provider, id));
  if (!isCatalogueProvider(provider)) return undefined;
  const norm = normaliseId(id);
  if (norm === '') return undefined;
  const exact = byId(provider, norm);
  if (exact) return exact;
  for (const suffix of SNAPSHOT_SUFFIXES) {
    if (suffix.test(norm)) {
      const base = byId(provider, norm.replace(suffix, ''));
      if (base) return base;
    }
  }
  return undefined;
}

export function modelsFor(provider: CatalogueProvider): CatalogueModel[] {
  return MODELS_CATALOGUE.filter((m) => m.provider === provider);
}

/** The model id for a tier; undefined for providers outside the catalogue. */
export function defaultModelFor(provider: ProviderId | string, tier: Tier): string | undefined {
  const served = servedCatalogue(provider);
  if (served) return platformModelId(provider, DEFAULT_TIER_MODELS[served][tier]);
  if (!isCatalogueProvider(provider)) return undefined;
  return DEFAULT_TIER_MODELS[provider][tier];
}

export interface DeprecationStatus {
  /** ok: no end of life, or more than 30 days away; soon: within 30 days; past: retired. */
  state: 'ok' | 'soon' | 'past';
  endOfLife?: string;
  replacement?: string;
}

/** Midnight UTC at the start of an ISO date, in ms. */
export function isoDateStartMs(iso: string): number {
  const ms = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(ms)) throw new Error(`Invalid ISO date in the models catalogue: ${iso}`);
  return ms;
}

/**
 * Where a model is in its life at `now`. The end-of-life date is the day the provider stops
 * serving it, so from 00:00 UTC that day the state is "past".
 */
export function deprecationStatus(model: CatalogueModel, now: Date = new Date()): DeprecationStatus {
  if (model.endOfLife === null) return { state: 'ok' };
  const eol = isoDateStartMs(model.endOfLife);
  const left = eol - now.getTime();
  const state = left <= 0 ? 'past' : left <= DEPRECATION_SOON_MS ? 'soon' : 'ok';
  const status: DeprecationStatus = { state, endOfLife: model.endOfLife };
  if (model.replacement !== null) status.replacement = model.replacement;
  return status;
}

/** The price schedule in force at `at`: the base prices, or the latest dated change already started. */
export function pricesAt(model: CatalogueModel, at: Date = new Date()): PriceSchedule {
  let current = model.prices;
  const t = at.getTime();
  for (const change of model.priceChanges ?? []) {
    if (isoDateStartMs(change.from) <= t) current = change.prices;
  }
  return current;
}
