import { UpstreamError, type UpstreamErrorInit } from './types';

/** The same failure with some facts replaced: UpstreamError is immutable once thrown. */
export function withFacts(err: UpstreamError, patch: Partial<UpstreamErrorInit>): UpstreamError {
  const next = new UpstreamError({
    provider: err.provider,
    message: err.message,
    kind: err.kind,
    headers: err.headers,
    quotaFailure: err.quotaFailure,
    cause: err.cause,
    ...(err.status !== undefined ? { status: err.status } : {}),
    ...(err.providerType !== undefined ? { providerType: err.providerType } : {}),
    ...(err.providerCode !== undefined ? { providerCode: err.providerCode } : {}),
    ...(err.requestId !== undefined ? { requestId: err.requestId } : {}),
    ...(err.retryDelayMs !== undefined ? { retryDelayMs: err.retryDelayMs } : {}),
    ...(err.partialText !== undefined ? { partialText: err.partialText } : {}),
    ...patch,
  });
  return next;
}

/**
 * The platform's credential chain found nothing usable (no AWS credentials, no Google ADC): an
 * auth failure, never retried, with what to do. The SDKs report it as a connection error.
 */
export function credentialsError(err: UpstreamError, detail: string, help: string): UpstreamError {
  return withFacts(err, {
    kind: 'http',
    status: 401,
    providerType: 'credentials_unavailable',
    message: `${detail} ${help}`,
  });
}
