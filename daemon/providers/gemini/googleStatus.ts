/** The google.rpc.Status an error body carries, as far as Conduit reads it. */
export interface GoogleStatus {
  code?: number;
  message?: string;
  status?: string;
  details: unknown[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonObject(text: string): unknown {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  try {
    return JSON.parse(text.slice(start)) as unknown;
  } catch {
    return undefined;
  }
}

function statusFrom(body: unknown): GoogleStatus | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  const e = body.error;
  return {
    code: typeof e.code === 'number' ? e.code : undefined,
    message: typeof e.message === 'string' ? e.message : undefined,
    status: typeof e.status === 'string' ? e.status : undefined,
    details: Array.isArray(e.details) ? e.details : [],
  };
}

/**
 * @google/genai's ApiError keeps the body only as its message: plain JSON for an HTTP error,
 * JSON behind "got status: X. " for an error inside a stream, and for a body that was not served
 * as application/json, a made-up {error:{message: <the body text>, status: <statusText>}}. That
 * body text can itself be the real JSON error (Gemini serves stream errors as text/event-stream),
 * so it is unwrapped once more.
 */
export function parseGoogleStatus(message: string): GoogleStatus | undefined {
  const outer = statusFrom(parseJsonObject(message));
  if (!outer) return undefined;
  const inner = outer.message !== undefined ? statusFrom(parseJsonObject(outer.message)) : undefined;
  return inner ?? outer;
}

/** google.rpc status names are UPPER_SNAKE; anything else (an HTTP reason phrase) is not one. */
export function isStatusName(value: string | undefined): value is string {
  return value !== undefined && /^[A-Z][A-Z_]+$/.test(value);
}

function typeOf(detail: unknown): string {
  return isRecord(detail) && typeof detail['@type'] === 'string' ? detail['@type'] : '';
}

/** RetryInfo.retryDelay is a protobuf Duration in JSON: "37s", "0.5s". */
export function retryDelayMs(details: unknown[]): number | undefined {
  for (const d of details) {
    if (!typeOf(d).endsWith('google.rpc.RetryInfo') || !isRecord(d)) continue;
    const match = typeof d.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(d.retryDelay.trim()) : null;
    if (match?.[1] !== undefined) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}

/**
 * True when a QuotaFailure says the quota is used up for the day (or longer). Google attaches a
 * QuotaFailure to every 429, per-minute limits included; those pass within the minute, are
 * rate limits, and are retried after RetryInfo's delay.
 */
export function hasQuotaFailure(details: unknown[]): boolean {
  return details.some((d) => {
    if (!typeOf(d).endsWith('google.rpc.QuotaFailure')) return false;
    const violations = isRecord(d) && Array.isArray(d.violations) ? d.violations : [];
    const ids = violations.map((v) => (isRecord(v) ? `${String(v.quotaId ?? '')} ${String(v.quotaMetric ?? '')}` : ''));
    return ids.length === 0 || ids.some((id) => !/per ?minute/i.test(id));
  });
}

/** ErrorInfo.reason, e.g. API_KEY_INVALID: the finest code Google gives. */
export function errorInfoReason(details: unknown[]): string | undefined {
  for (const d of details) {
    if (typeOf(d).endsWith('google.rpc.ErrorInfo') && isRecord(d) && typeof d.reason === 'string') return d.reason;
  }
  return undefined;
}
