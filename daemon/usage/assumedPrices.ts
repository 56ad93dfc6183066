import type { ProviderId } from '../../protocol';
import { isCatalogueProvider, modelsFor, pricesAt } from '../router/models';
import type { TokenPrices } from '../router/modelsCatalogue';
import { servedCatalogue } from '../router/platformModels';
import { catalogueVersion } from '../router/catalogueOverlay';

/** The stated conservative price for a model the catalogue has no price for. */
export interface AssumedPrices {
  prices: TokenPrices & { input: number; output: number };
  /** The provider's dearest model, whose prices these are (by output price). */
  dearestModel: string;
}

/**
 * The prices a model without a known price is billed at while a budget applies: the dearest of
 * its provider's catalogue, field by field (input, output, cache read, cache write, long-prompt
 * prices included), so a reservation at these prices is never below what any known model of
 * that provider could cost. Undefined for a provider outside the catalogue (a local server).
 */
export function assumedPrices(provider: ProviderId, at: Date = new Date()): AssumedPrices | undefined {
  const catalogue = servedCatalogue(provider) ?? (isCatalogueProvider(provider) ? provider : undefined);
  if (!catalogue) return undefined;
  const day = at.toISOString().slice(0, 10);
  const key = `${catalogue}|${day}|${catalogueVersion()}`;
  const known = cache.get(key);
  if (known) return known;
  let input = 0;
  let output = 0;
  let cacheRead = 0;
  let cacheWrite = 0;
  let dearestModel = '';
  let dearestOutput = -1;
  for (const model of modelsFor(catalogue)) {
    const s = pricesAt(model, at);
    for (const p of [s, s.longPrompt]) {
      if (!p) continue;
      input = Math.max(input, p.input ?? 0);
      output = Math.max(output, p.output ?? 0);
      cacheRead = Math.max(cacheRead, p.cacheRead ?? p.input ?? 0);
      cacheWrite = Math.max(cacheWrite, p.cacheWrite ?? p.input ?? 0, p.cacheWrite1h ?? 0);
      if ((p.output ?? -1) > dearestOutput) {
        dearestOutput = p.output ?? -1;
        dearestModel = model.id;
      }
    }
  }
  if (output <= 0) return undefined;
  const result: AssumedPrices = { prices: { input, output, cacheRead, cacheWrite }, dearestModel };
  if (cache.size > 16) cache.clear();
  cache.set(key, result);
  return result;
}

const cache = new Map<string, AssumedPrices>();
