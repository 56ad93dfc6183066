/** Anything an SDK hands back as response headers: a fetch Headers, or a plain record. */
export type HeadersLike = Headers | Record<string, string | string[] | undefined> | null | undefined;

/** Lower-cased copies, so callers look up `retry-after` without caring how the server spelled it. */
export function lowerCaseHeaders(headers: HeadersLike): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  // Duck-typed: undici's fetch (httpFetch.ts) returns its own Headers class, not the global one.
  if (isHeaders(headers)) {
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

function isHeaders(headers: object): headers is Headers {
  return (
    (typeof Headers !== 'undefined' && headers instanceof Headers) ||
    (typeof (headers as { forEach?: unknown }).forEach === 'function' &&
      typeof (headers as { get?: unknown }).get === 'function')
  );
}
