import { APIConnectionError, APIError } from '@anthropic-ai/sdk';
import { messageOf } from '../commonErrors';
import {
  errorInfoReason,
  hasQuotaFailure,
  isStatusName,
  parseGoogleStatus,
  retryDelayMs,
} from '../gemini/googleStatus';
import type { UpstreamError } from '../types';
import { credentialsError, withFacts } from '../upstreamPatch';
import { GOOGLE_ADC_HELP } from '../vertexCredentials';

/**
 * Vertex AI answers in two shapes: the model's own Anthropic error body, and, for what the
 * platform itself refuses (quota, permissions, an unknown project or model), a google.rpc.Status
 * (sometimes inside a one-element array). The second is read like Gemini's: its status name,
 * RetryInfo and QuotaFailure.
 */
export function vertexAnthropicError(mapped: UpstreamError, raw: unknown): UpstreamError {
  if (raw instanceof APIConnectionError && /Google OAuth credentials/i.test(raw.message)) {
    return credentialsError(mapped, `No usable Google credentials (${messageOf(raw.cause ?? raw)}).`, GOOGLE_ADC_HELP);
  }
  if (!(raw instanceof APIError) || raw.status === undefined) return mapped;
  const body: unknown = Array.isArray(raw.error) ? raw.error[0] : raw.error;
  const google = body === undefined ? undefined : parseGoogleStatus(JSON.stringify(body));
  if (!google || !isStatusName(google.status)) return mapped;
  const delay = retryDelayMs(google.details);
  const reason = errorInfoReason(google.details);
  return withFacts(mapped, {
    providerType: google.status,
    ...(google.message !== undefined ? { message: google.message } : {}),
    ...(reason !== undefined ? { providerCode: reason } : {}),
    ...(delay !== undefined ? { retryDelayMs: delay } : {}),
    quotaFailure: hasQuotaFailure(google.details),
  });
}
