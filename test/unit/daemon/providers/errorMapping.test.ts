import { APIConnectionTimeoutError as AnthropicTimeout } from '@anthropic-ai/sdk';
import { ApiError } from '@google/genai';
import { APIConnectionTimeoutError as OpenAITimeout } from 'openai';
import { describe, expect, it } from 'vitest';
import { anthropicUpstreamError } from '../../../../daemon/providers/anthropic/anthropicError';
import { geminiUpstreamError } from '../../../../daemon/providers/gemini/geminiError';
import { ResponseCapture } from '../../../../daemon/providers/gemini/responseCapture';
import { openaiUpstreamError } from '../../../../daemon/providers/openai/openaiError';
import { rawBodyMessage } from '../../../../daemon/providers/rawBodyMessage';
import { redactSecret } from '../../../../daemon/providers/redact';

// Timeouts cannot be provoked through the fake without waiting out the SDK's long timeout, so
// the mapping of the SDKs' own timeout errors is checked directly.
describe('SDK timeouts', () => {
  it('maps the Stainless timeout errors to kind timeout', () => {
    expect(anthropicUpstreamError(new AnthropicTimeout(), 'k').kind).toBe('timeout');
    expect(openaiUpstreamError('openai', new OpenAITimeout(), 'k').kind).toBe('timeout');
  });

  it('maps an AbortError the caller did not ask for (the genai timeout timer) to timeout', () => {
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(geminiUpstreamError(abort, 'k', new ResponseCapture()).kind).toBe('timeout');
  });
});

describe('Gemini ApiError parsing', () => {
  it('reads the status JSON behind the "got status" prefix of an in-stream error', () => {
    const body = {
      error: {
        code: 429,
        message: 'slow down',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }],
      },
    };
    const err = new ApiError({ message: `got status: RESOURCE_EXHAUSTED. ${JSON.stringify(body)}`, status: 429 });
    expect(geminiUpstreamError(err, 'k', new ResponseCapture(), true)).toMatchObject({
      kind: 'stream_error',
      providerType: 'RESOURCE_EXHAUSTED',
      retryDelayMs: 2000,
      message: 'slow down',
    });
  });

  it('keeps the status when the message is not JSON at all', () => {
    const err = new ApiError({ message: 'something odd', status: 500 });
    expect(geminiUpstreamError(err, 'k', new ResponseCapture())).toMatchObject({
      kind: 'http',
      status: 500,
      providerType: undefined,
    });
  });
});

describe('message hygiene', () => {
  it('strips tags and collapses an HTML page to a short hint', () => {
    const page = `<html><head><style>body{}</style></head><body><h1>502 Bad Gateway</h1>${'x'.repeat(500)}</body></html>`;
    const message = rawBodyMessage(502, page);
    expect(message).toMatch(/^HTTP 502: 502 Bad Gateway/);
    expect(message.length).toBeLessThan(230);
    expect(message).not.toContain('body{}');
  });

  it('redacts every occurrence of the key', () => {
    expect(redactSecret('a sk-123456 b sk-123456', 'sk-123456')).toBe('a [redacted] b [redacted]');
  });
});
