import { isObjectRoot } from '../capabilities/schemaRoot';

/**
 * Whether OpenAI's strict structured outputs can take a schema: the root is an object (a
 * non-object root is wrapped before this, see capabilities/schemaRoot.ts), every object closes
 * its properties (additionalProperties: false) and requires all of them. Other schemas are sent
 * with strict off rather than refused with a 400.
 */
export function isStrictSchema(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return false;
  return isObjectRoot(schema as Record<string, unknown>) && isStrictPart(schema);
}

function isStrictPart(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictPart);
  if (typeof schema !== 'object' || schema === null) return true;
  const s = schema as Record<string, unknown>;
  if (s.type === 'object' || s.properties !== undefined) {
    const props = typeof s.properties === 'object' && s.properties !== null ? Object.keys(s.properties) : [];
    const required = Array.isArray(s.required) ? s.required : [];
    if (s.additionalProperties !== false || props.some((p) => !required.includes(p))) return false;
  }
  return Object.entries(s).every(
    ([key, value]) => key === 'required' || key === 'enum' || key === 'const' || isStrictPart(value),
  );
}
