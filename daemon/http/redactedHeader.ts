import type { GuardRedaction } from '../../protocol';
import { describe } from '../guard/inputGuard';

/**
 * `x-conduit-redacted`, when the input guard replaced secrets before sending: an HTTP client sees
 * no other sign that what went upstream differs from what it sent (e.g. "1 openai key").
 */
export function redactedHeader(redacted: readonly GuardRedaction[] | undefined): Record<string, string> {
  return redacted && redacted.length > 0 ? { 'x-conduit-redacted': describe(redacted) } : {};
}
