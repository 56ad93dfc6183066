import { APIConnectionError, APIError } from '@anthropic-ai/sdk';
import { messageOf } from '../commonErrors';
import { credentialsError, withFacts } from '../upstreamPatch';
import type { UpstreamError } from '../types';

const CREDENTIALS_HELP =
  'Set up AWS credentials the AWS CLI would find (AWS_PROFILE, `aws sso login`, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or an instance role), or store a Bedrock API key with `conduit key set anthropicBedrock`; then `conduit stop` so the daemon restarts with them.';

function bodyMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const value = record.message ?? record.Message;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Bedrock's error shape on top of the Messages mapping: an HTTP error names its exception in the
 * `x-amzn-ErrorType` header ("ThrottlingException:http://…") with a body of {"message"}, and an
 * exception inside the event stream arrives as an `error` event typed `throttlingException`.
 * providerType keeps the exception's name; daemon/resilience/platformErrors.ts classifies it.
 */
export function bedrockError(mapped: UpstreamError, raw: unknown): UpstreamError {
  if (raw instanceof APIConnectionError && /AWS credentials/i.test(raw.message)) {
    return credentialsError(mapped, `No usable AWS credentials (${messageOf(raw.cause ?? raw)}).`, CREDENTIALS_HELP);
  }
  if (!(raw instanceof APIError) || raw.status === undefined) return mapped;
  const header = mapped.headers['x-amzn-errortype'];
  const exception = header?.split(':')[0]?.trim() || undefined;
  const message = bodyMessage(raw.error);
  return withFacts(mapped, {
    ...(exception ? { providerType: exception } : {}),
    ...(message ? { message } : {}),
    ...(mapped.requestId === undefined && mapped.headers['x-amzn-requestid']
      ? { requestId: mapped.headers['x-amzn-requestid'] }
      : {}),
  });
}
