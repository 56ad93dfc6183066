import { describe, expect, it } from 'vitest';
import type { Tier } from '../../../../protocol';
import { resolveProvider, configSchema } from '../../../../daemon/config/config';
import {
  DEFAULT_TIER_MODELS,
  defaultModelFor,
  deprecationStatus,
  findModel,
  modelsFor,
  pricesAt,
} from '../../../../daemon/router/models';
import { CATALOGUE_PROVIDERS, MODELS_CATALOGUE, type CatalogueModel } from '../../../../daemon/router/modelsCatalogue';

const TODAY = new Date('2026-11-27T12:00:00Z');
const TIERS: readonly Tier[] = ['simple', 'moderate', 'complex'];

function model(provider: 'anthropic' | 'openai' | 'gemini', id: string): CatalogueModel {
  const m = findModel(provider, id);
  if (!m) throw new Error(`${provider}/${id} is not in the catalogue`);
  return m;
}

describe('findModel', () => {
  it('finds ids and aliases exactly', () => {
    expect(findModel('anthropic', 'claude-sonnet-4-6')?.id).toBe('claude-sonnet-4-6');
    expect(findModel('openai', 'gpt-5.4-mini-2026-03-17')?.id).toBe('gpt-5.4-mini');
    expect(findModel('anthropic', 'claude-haiku-4-5-20251001')?.id).toBe('claude-haiku-4-5');
  });

  it('maps dated snapshot ids to their alias entry', () => {
    expect(findModel('anthropic', 'claude-sonnet-4-5-20250929')?.id).toBe('claude-sonnet-4-5');
    expect(findModel('anthropic', 'claude-opus-4-5-20251101')?.id).toBe('claude-opus-4-5');
    expect(findModel('openai', 'gpt-5-2025-08-07')?.id).toBe('gpt-5');
    expect(findModel('openai', 'gpt-5-mini-2025-08-07')?.id).toBe('gpt-5-mini');
    // A snapshot we have not listed still resolves to its family alias.
    expect(findModel('anthropic', 'claude-sonnet-5-5-20261001')?.id).toBe('claude-sonnet-5-5');
    expect(findModel('openai', 'gpt-5.6-sol-2026-07-09')?.id).toBe('gpt-5.6-sol');
  });

  it('accepts the Gemini "models/" prefix and stable version suffixes', () => {
    expect(findModel('gemini', 'models/gemini-2.5-flash')?.id).toBe('gemini-2.5-flash');
    expect(findModel('gemini', 'gemini-2.5-flash-001')?.id).toBe('gemini-2.5-flash');
    expect(findModel('gemini', ' Models/Gemini-2.5-Pro ')?.id).toBe('gemini-2.5-pro');
  });

  it('does not confuse providers or neighbouring models', () => {
    expect(findModel('anthropic', 'gpt-5.4-mini')).toBeUndefined();
    expect(findModel('openaiCompatible', 'gpt-5.4-mini')).toBeUndefined();
    expect(findModel('openai', 'gpt-5.4-mini-fast')).toBeUndefined();
    expect(findModel('gemini', 'gemini-2.5-flash-preview-05-20')).toBeUndefined();
    expect(findModel('gemini', 'gemini-2.5-flash-lite')?.id).toBe('gemini-2.5-flash-lite');
    expect(findModel('openai', '')).toBeUndefined();
  });
});

describe('defaultModelFor', () => {
  it('gives a catalogued model of the right tier for every provider and tier', () => {
    for (const provider of CATALOGUE_PROVIDERS) {
      for (const tier of TIERS) {
        const id = defaultModelFor(provider, tier);
        expect(id).toBe(DEFAULT_TIER_MODELS[provider][tier]);
        const m = model(provider, id ?? '');
        expect(m.tier).toBe(tier);
      }
    }
  });

  it('has no defaults for providers outside the catalogue', () => {
    expect(defaultModelFor('openaiCompatible', 'simple')).toBeUndefined();
  });

  it('picks no deprecated model and none with an unknown price, as of 2026-11-27', () => {
    for (const provider of CATALOGUE_PROVIDERS) {
      for (const tier of TIERS) {
        const m = model(provider, DEFAULT_TIER_MODELS[provider][tier]);
        expect(m.endOfLife, `${provider}/${m.id}`).toBeNull();
        expect(deprecationStatus(m, TODAY)).toEqual({ state: 'ok' });
        const p = pricesAt(m, TODAY);
        expect(p.input, `${provider}/${m.id} input`).not.toBeNull();
        expect(p.output, `${provider}/${m.id} output`).not.toBeNull();
      }
    }
  });
});

describe('deprecationStatus', () => {
  const sonnet45 = model('anthropic', 'claude-sonnet-4-5');

  it('is ok with the date more than 30 days ahead, soon within 30 days, past from the day itself', () => {
    expect(deprecationStatus(sonnet45, new Date('2026-10-01T00:00:00Z'))).toEqual({
      state: 'ok',
      endOfLife: '2026-11-30',
      replacement: 'claude-sonnet-5-5',
    });
    expect(deprecationStatus(sonnet45, new Date('2026-10-31T00:00:00Z')).state).toBe('soon');
    expect(deprecationStatus(sonnet45, new Date('2026-10-30T23:59:59Z')).state).toBe('ok');
    expect(deprecationStatus(sonnet45, TODAY)).toEqual({
      state: 'soon',
      endOfLife: '2026-11-30',
      replacement: 'claude-sonnet-5-5',
    });
    expect(deprecationStatus(sonnet45, new Date('2026-11-29T23:59:59Z')).state).toBe('soon');
    expect(deprecationStatus(sonnet45, new Date('2026-11-30T00:00:00Z')).state).toBe('past');
    expect(deprecationStatus(sonnet45, new Date('2027-03-01T00:00:00Z')).state).toBe('past');
  });

  it('reports the pinned older models as they stand on 2026-11-27', () => {
    expect(deprecationStatus(model('openai', 'gpt-5'), TODAY)).toEqual({
      state: 'soon',
      endOfLife: '2026-12-11',
      replacement: 'gpt-6.1-sol',
    });
    expect(deprecationStatus(model('openai', 'gpt-5-mini'), TODAY).state).toBe('soon');
    expect(deprecationStatus(model('gemini', 'gemini-2.5-pro'), TODAY)).toEqual({
      state: 'soon',
      endOfLife: '2026-12-01',
      replacement: 'gemini-3.8-flash',
    });
    expect(deprecationStatus(model('gemini', 'gemini-2.5-flash'), TODAY)).toEqual({
      state: 'soon',
      endOfLife: '2026-12-01',
      replacement: 'gemini-3.5-flash-lite',
    });
    // Deprecated, but more than 30 days left, and no replacement named.
    expect(deprecationStatus(model('anthropic', 'claude-opus-4-5'), TODAY)).toEqual({
      state: 'ok',
      endOfLife: '2027-01-22',
    });
    expect(deprecationStatus(model('anthropic', 'claude-haiku-4-5'), TODAY)).toEqual({ state: 'ok' });
  });

  it('is ok with no date for models without an announced end of life', () => {
    expect(deprecationStatus(model('anthropic', 'claude-sonnet-4-6'), new Date('2030-01-01T00:00:00Z'))).toEqual({
      state: 'ok',
    });
  });
});

describe('the catalogue as data', () => {
  it('keeps the models users pin and the current configured defaults', () => {
    for (const [provider, id] of [
      ['anthropic', 'claude-sonnet-4-5'],
      ['anthropic', 'claude-haiku-4-5'],
      ['anthropic', 'claude-sonnet-4-6'],
      ['openai', 'gpt-5'],
      ['openai', 'gpt-5-mini'],
      ['openai', 'gpt-5.4-mini'],
      ['gemini', 'gemini-2.5-pro'],
      ['gemini', 'gemini-2.5-flash'],
    ] as const) {
      expect(findModel(provider, id)?.id, `${provider}/${id}`).toBe(id);
    }
    const config = configSchema.parse({});
    for (const provider of CATALOGUE_PROVIDERS) {
      const configured = resolveProvider(config, provider, {}).model;
      expect(findModel(provider, configured), `${provider}/${configured}`).toBeDefined();
    }
  });

  it('has at least one current model per tier for every provider', () => {
    for (const provider of CATALOGUE_PROVIDERS) {
      for (const tier of TIERS) {
        const current = modelsFor(provider).filter(
          (m) => m.tier === tier && deprecationStatus(m, TODAY).state === 'ok' && m.endOfLife === null,
        );
        expect(current.length, `${provider}/${tier}`).toBeGreaterThan(0);
      }
    }
  });

  it('has unique ids and aliases per provider', () => {
    for (const provider of CATALOGUE_PROVIDERS) {
      const names = modelsFor(provider).flatMap((m) => [m.id, ...(m.aliases ?? [])]);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('dates, sources and prices are well formed', () => {
    const iso = /^\d{4}-\d{2}-\d{2}$/;
    for (const m of MODELS_CATALOGUE) {
      const where = `${m.provider}/${m.id}`;
      expect(m.source, where).toMatch(/^https:\/\//);
      expect(m.asOf, where).toMatch(iso);
      if (m.endOfLife !== null) expect(m.endOfLife, where).toMatch(iso);
      if (m.replacement !== null) expect(m.endOfLife, `${where} has a replacement but no end of life`).not.toBeNull();
      const schedules = [m.prices, ...(m.priceChanges ?? []).map((c) => c.prices)];
      for (const s of schedules) {
        for (const p of [s, ...(s.longPrompt ? [s.longPrompt] : [])]) {
          for (const v of [p.input, p.output, p.cacheRead, p.cacheWrite]) {
            if (v !== null) expect(v, where).toBeGreaterThanOrEqual(0);
          }
        }
        if (s.longPrompt) {
          expect(s.longPrompt.aboveInputTokens, where).toBeGreaterThan(0);
          if (s.input !== null && s.longPrompt.input !== null)
            expect(s.longPrompt.input, where).toBeGreaterThanOrEqual(s.input);
        }
      }
      const froms = (m.priceChanges ?? []).map((c) => c.from);
      for (const f of froms) expect(f, where).toMatch(iso);
      expect([...froms].sort(), where).toEqual(froms);
      if (m.batchDiscount !== null) expect(m.batchDiscount, where).toBeGreaterThan(0);
    }
  });

  it('uses the 5-minute Anthropic cache-write price (1.25x input) everywhere', () => {
    for (const m of modelsFor('anthropic')) {
      const s = m.prices;
      if (s.input !== null && s.cacheWrite !== null) expect(s.cacheWrite).toBeCloseTo(s.input * 1.25, 10);
    }
  });
});
