import type { ErrorCode } from '../../protocol';

/**
 * Amazon Bedrock's exceptions (x-amzn-ErrorType over HTTP, or the camel-cased name of an
 * exception frame inside the event stream), lower-cased, in Conduit's taxonomy. Over HTTP most
 * agree with their status; the ones that do not are why this table exists: ModelErrorException
 * is a 424 the model caused, ServiceQuotaExceededException a 400 for a quota, and inside a stream
 * there is no status at all. A missing credential chain is an auth failure.
 */
const BEDROCK: Readonly<Record<string, ErrorCode>> = {
  throttlingexception: 'rate_limited',
  servicequotaexceededexception: 'quota_exhausted',
  serviceunavailableexception: 'overloaded',
  modelnotreadyexception: 'overloaded',
  internalserverexception: 'server_error',
  modelerrorexception: 'server_error',
  modelstreamerrorexception: 'server_error',
  modeltimeoutexception: 'timeout',
  validationexception: 'invalid_request',
  accessdeniedexception: 'permission',
  resourcenotfoundexception: 'not_found',
  unrecognizedclientexception: 'auth',
  invalidsignatureexception: 'auth',
  expiredtokenexception: 'auth',
  missingauthenticationtokenexception: 'auth',
  credentials_unavailable: 'auth',
};

/**
 * Google's ErrorInfo reasons (lower-cased) that say more than the status: a bad API key is a 400
 * INVALID_ARGUMENT on the Gemini API, and must still count as a rejected key (auth) so that key
 * rotation moves on.
 */
const GOOGLE_REASONS: Readonly<Record<string, ErrorCode>> = {
  api_key_invalid: 'auth',
  api_key_expired: 'auth',
};

/** The code a platform's own error type or reason names, or undefined to classify by status as usual. */
export function platformErrorCode(type: string, code = ''): ErrorCode | undefined {
  return BEDROCK[type] ?? GOOGLE_REASONS[code];
}
