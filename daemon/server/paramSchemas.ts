import { z } from 'zod';
import { BatchProviderIds, ProviderIds } from '../../protocol';

/**
 * The shape of each IPC method's params, checked before its handler runs, so that a client's
 * mistake (`states: "queued"` instead of `["queued"]`) is an `invalid_request` that names the
 * field, not an `internal` from deep inside. The schemas check types and ranges only; each area
 * still checks meaning (a known model, a budget) and says so in its own words. Unknown fields
 * pass, so an older daemon accepts a newer client's additions.
 */
const id = () => z.object({ id: z.string().min(1) }).loose();
const none = () => z.object({}).loose();
const filters = () => z.record(z.string(), z.unknown()).optional();
const time = () => z.number().finite();
const jobStates = ['queued', 'running', 'done', 'failed', 'sent', 'held'] as const;

/**
 * Each method's schema is built the first time that method is called, not at load: building
 * them all was a good part of the daemon's start (issue #23), and a daemon serves few methods.
 */
const paramSchemaBuilders: Readonly<Record<string, () => z.ZodType>> = {
  'chat/send': () => z.object({ requestId: z.string(), request: z.object({}).loose() }).loose(),
  'daemon/status': () => z.object({ settleMemory: z.boolean().optional() }).loose(),
  'daemon/ping': none,
  'daemon/stop': none,
  'jobs/list': () =>
    z.object({ states: z.array(z.enum(jobStates)).optional(), limit: z.number().int().min(1).optional() }).loose(),
  'jobs/get': id,
  'jobs/retry': id,
  'batch/submit': () =>
    z
      .object({
        lines: z.array(z.string()),
        provider: z.enum(BatchProviderIds).optional(),
        model: z.string().optional(),
        feature: z.string().optional(),
        source: z.string().optional(),
      })
      .loose(),
  'batch/list': () => z.object({ limit: z.number().int().min(1).optional() }).loose(),
  'batch/status': id,
  'batch/results': id,
  'batch/cancel': id,
  'config/update': () =>
    z.object({ settings: z.record(z.string(), z.unknown()), source: z.string().optional() }).loose(),
  'keys/set': () =>
    z
      .object({
        provider: z.enum(ProviderIds),
        key: z.string(),
        profile: z.string().optional(),
        add: z.boolean().optional(),
        verify: z.boolean().optional(),
        insecureStorage: z.boolean().optional(),
      })
      .loose(),
  'keys/provide': () =>
    z.object({ provider: z.enum(ProviderIds), key: z.string().nullable(), profile: z.string().optional() }).loose(),
  'keys/list': () => z.object({ profile: z.string().optional() }).loose(),
  'keys/remove': () =>
    z.object({ provider: z.enum(ProviderIds), profile: z.string().optional(), id: z.string().optional() }).loose(),
  'router/explain': () => z.object({ request: z.object({}).loose() }).loose(),
  'usage/query': () =>
    z
      .object({
        since: time(),
        until: time().optional(),
        groupBy: z.string().optional(),
        filters: filters(),
        utcOffsetMinutes: z.number().optional(),
      })
      .loose(),
  'usage/export': () =>
    z
      .object({
        since: time(),
        until: time().optional(),
        filters: filters(),
        limit: z.number().int().min(1).optional(),
        after: z.number().optional(),
        includeSamples: z.boolean().optional(),
      })
      .loose(),
  'usage/metrics': () => z.object({ filters: filters() }).loose(),
  'usage/live': none,
  'usage/breakdown': () =>
    z
      .object({
        since: time(),
        until: time().optional(),
        filters: filters(),
        utcOffsetMinutes: z.number().optional(),
        groupBy: z.string().optional(),
      })
      .loose(),
  'alerts/list': none,
  'experiments/results': () => z.object({ since: time().optional() }).loose(),
  'budget/status': none,
  'cache/stats': none,
  'cache/clear': none,
  'cache/warm': () => z.object({ requests: z.array(z.object({}).loose()) }).loose(),
  'feedback/rate': () =>
    z
      .object({
        requestId: z.string(),
        rating: z.union([z.literal(1), z.literal(-1)]),
        feature: z.string().optional(),
        reason: z.enum(['retry', 'user']).optional(),
      })
      .loose(),
  'team/usage': () => z.object({ since: time(), until: time() }).loose(),
  'team/setPassword': () => z.object({ password: z.string() }).loose(),
};

const built = new Map<string, z.ZodType>();

function paramSchema(method: string): z.ZodType | undefined {
  let schema = built.get(method);
  if (!schema && Object.hasOwn(paramSchemaBuilders, method)) {
    schema = paramSchemaBuilders[method]!();
    built.set(method, schema);
  }
  return schema;
}

/**
 * What is wrong with `params` for `method`, in one line, or undefined when they fit. Only field
 * paths and expected types are named, never a value: params may carry a key or a password.
 */
export function paramsProblem(method: string, params: unknown): string | undefined {
  const schema = paramSchema(method);
  if (!schema) return undefined;
  const result = schema.safeParse(params ?? {});
  if (result.success) return undefined;
  const issues = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : 'params'}: ${i.message}`);
  return `${method}: ${issues.join('; ')}. The request was not run; fix the params and send it again.`;
}
