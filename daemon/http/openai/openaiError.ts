import type { HttpFailure } from '../errorStatus';

/** OpenAI's error.type for a status, as its API sends them. */
function typeFor(failure: HttpFailure): string {
  if (failure.code === 'budget_exceeded' || failure.code === 'quota_exhausted') return 'insufficient_quota';
  if (failure.status === 401) return 'invalid_request_error';
  if (failure.status === 429) return 'rate_limit_exceeded';
  if (failure.status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** `{"error":{"message","type","param","code"}}`, the body the openai SDK reads into its APIError. */
export function openaiErrorBody(failure: HttpFailure): {
  error: { message: string; type: string; param: string | null; code: string };
} {
  const code =
    failure.status === 401
      ? 'invalid_api_key'
      : failure.status === 404 && failure.param === 'model'
        ? 'model_not_found'
        : failure.code;
  return { error: { message: failure.message, type: typeFor(failure), param: failure.param ?? null, code } };
}
