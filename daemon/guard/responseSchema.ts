import { z, type ZodType } from 'zod';
import { ConduitError, type ResponseSchema } from '../../protocol';

/**
 * The zod check for a requested JSON Schema, built by zod's own converter. A keyword it cannot
 * check (if/then/else, dependentSchemas, a remote $ref, …) is refused up front with a clear
 * error, rather than letting an answer through unchecked.
 */
export function zodForResponseSchema(rs: ResponseSchema): ZodType {
  try {
    return z.fromJSONSchema(rs.schema);
  } catch (err) {
    throw new ConduitError({
      code: 'bad_request',
      message: `responseSchema "${rs.name}" cannot be checked: ${err instanceof Error ? err.message : String(err)}. Use type, properties, required, items, enum, anyOf, local $ref and the usual string and number limits.`,
    });
  }
}
