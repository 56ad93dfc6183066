/**
 * A short message for an error response whose body is not the provider's JSON: a proxy's HTML
 * page, or nothing at all. The status carries the meaning; the text is a hint for humans.
 */
export function rawBodyMessage(status: number | undefined, body: string | null | undefined): string {
  const prefix = status !== undefined ? `HTTP ${status}` : 'Upstream error';
  const text = (body ?? '')
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return `${prefix} with an empty body`;
  return `${prefix}: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}
