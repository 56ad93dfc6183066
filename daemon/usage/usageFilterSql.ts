import type { UsageFilters } from '../../protocol/usage';
import type { SqlValue } from './sqlite';

/**
 * Adds a `column = ?` term and its parameter for each filter given. The raw rows and the rollup
 * rows name their dimension columns alike, so every usage question and the export share it.
 */
export function pushFilterTerms(filters: UsageFilters | undefined, parts: string[], params: SqlValue[]): void {
  const f = filters ?? {};
  for (const [name, value] of [
    ['feature', f.feature],
    ['provider', f.provider],
    ['model', f.model],
    ['client', f.client],
  ] as const) {
    if (value !== undefined) {
      parts.push(`${name} = ?`);
      params.push(value);
    }
  }
}
