import { describe, expect, it } from 'vitest';
import { classifyCode } from '../../../../daemon/resilience/classify';
import { UpstreamError } from '../../../../daemon/providers/types';

const http = (status: number, providerType: string) => new UpstreamError({ provider: 'anthropicBedrock', message: 'x', status, providerType });
const inStream = (providerType: string) => new UpstreamError({ provider: 'anthropicBedrock', message: 'x', kind: 'stream_error', providerType });

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
