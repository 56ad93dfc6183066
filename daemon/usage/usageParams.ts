import { z } from 'zod';
import { lazySchema } from '../config/lazySchema';
import { ProviderIds } from '../../protocol/chat';
import type { UsageExportFileParams, UsageExportParams, UsageFilters, UsageQueryParams } from '../../protocol/usage';

/** The daemon sends at most this many rows in one message; the CLI pages through the rest. */
export const MAX_EXPORT_PAGE = 5000;

/** Built on the first usage call (lazySchema.ts), not when the daemon starts. */
const schemas = lazySchema(() => {
  const time = z.number().finite().min(0);

  const filters = z
    .object({
      feature: z.string().min(1).max(200).optional(),
      provider: z.enum(ProviderIds).optional(),
      model: z.string().min(1).max(200).optional(),
      client: z.enum(['vscode', 'cli', 'other']).optional(),
    })
    .strict();

  const queryParams = z
    .object({
      since: time,
      until: time.optional(),
      groupBy: z.enum(['day', 'month', 'feature', 'model', 'provider', 'hour']).optional(),
      filters: filters.optional(),
      utcOffsetMinutes: z
        .number()
        .int()
        .min(-14 * 60)
        .max(14 * 60)
        .optional(),
    })
    .strict();

  const exportParams = z
    .object({
      since: time,
      until: time.optional(),
      filters: filters.optional(),
      limit: z.number().int().min(1).optional(),
      after: z.number().int().min(0).optional(),
      includeSamples: z.boolean().optional(),
      format: z.enum(['rows', 'csv']).optional(),
    })
    .strict();

  const exportFileParams = z
    .object({
      file: z.string().min(1).max(4096),
      since: time,
      until: time.optional(),
      filters: filters.optional(),
      includeSamples: z.boolean().optional(),
    })
    .strict();

  const metricsParams = z.object({ filters: filters.optional() }).strict();

  return { queryParams, exportParams, exportFileParams, metricsParams };
});

/** Parses client input; the message names the bad field, for a `bad_request` reply. */
export function parseQueryParams(input: unknown): UsageQueryParams {
  return parse(schemas().queryParams, input);
}

export function parseExportParams(input: unknown): UsageExportParams {
  return parse(schemas().exportParams, input);
}

export function parseExportFileParams(input: unknown): UsageExportFileParams {
  return parse(schemas().exportFileParams, input);
}

export function parseMetricsParams(input: unknown): { filters?: UsageFilters } {
  return parse(schemas().metricsParams, input ?? {});
}

export class UsageParamsError extends Error {
  override name = 'UsageParamsError';
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ');
  throw new UsageParamsError(`invalid parameters: ${issues}`);
}
