/** Anything an SDK hands back as response headers: a fetch Headers, or a plain record. */
export type HeadersLike = Headers | Record<string, string | string[] | undefined> | null | undefined;

/** Lower-cased copies, so callers look up `retry-after` without caring how the server spelled it. */
export function lowerCaseHeaders(headers: HeadersLike): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    headers.forEach((value, name) => {
      out[name.toLowerCase()] = value;
    });
    return out;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
