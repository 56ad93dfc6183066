import { describe, expect, it } from 'vitest';
import { classifyCode } from '../../../../daemon/resilience/classify';
import { UpstreamError } from '../../../../daemon/providers/types';

const http = (status: number, providerType: string) =>
  new UpstreamError({ provider: 'anthropicBedrock', message: 'x', status, providerType });
const inStream = (providerType: string) =>
  new UpstreamError({ provider: 'anthropicBedrock', message: 'x', kind: 'stream_error', providerType });

describe('Bedrock exceptions in the taxonomy', () => {
  it('classifies by exception where the status would mislead', () => {
    expect(classifyCode(http(424, 'ModelErrorException'))).toBe('server_error');
    expect(classifyCode(http(400, 'ServiceQuotaExceededException'))).toBe('quota_exhausted');
    expect(classifyCode(http(403, 'UnrecognizedClientException'))).toBe('auth');
    expect(classifyCode(http(403, 'AccessDeniedException'))).toBe('permission');
    expect(classifyCode(http(503, 'ServiceUnavailableException'))).toBe('overloaded');
  });

  it('classifies exceptions inside the event stream, which have no status', () => {
    expect(classifyCode(inStream('throttlingException'))).toBe('rate_limited');
    expect(classifyCode(inStream('modelStreamErrorException'))).toBe('server_error');
    expect(classifyCode(inStream('serviceUnavailableException'))).toBe('overloaded');
    expect(classifyCode(inStream('something_else'))).toBe('stream_interrupted');
  });
});

describe('Google ErrorInfo reasons in the taxonomy', () => {
  it('a 400 INVALID_ARGUMENT for an invalid API key is a rejected key (auth), other 400s stay invalid_request', () => {
    const bad = new UpstreamError({
      provider: 'gemini',
      message: 'API key not valid.',
      status: 400,
      providerType: 'INVALID_ARGUMENT',
      providerCode: 'API_KEY_INVALID',
    });
    expect(classifyCode(bad)).toBe('auth');
    const other = new UpstreamError({
      provider: 'gemini',
      message: 'bad field',
      status: 400,
      providerType: 'INVALID_ARGUMENT',
    });
    expect(classifyCode(other)).toBe('invalid_request');
  });
});
