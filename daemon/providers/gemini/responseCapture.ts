import { lowerCaseHeaders } from '../headers';
import type { FetchFn } from '../httpFetch';

/**
 * @google/genai drops the response headers from its ApiError (and only some responses carry
 * sdkHttpResponse), so each call gets a fetch that notes the status and headers it saw.
 *
 * Passing a fetch also means the SDK no longer swaps in its no-timeout undici dispatcher, so
 * undici's default 300 s header/body timeouts apply, as they do for the other two SDKs.
 */
export class ResponseCapture {
  status: number | undefined;
  headers: Record<string, string> = {};

  /** `inner` is the adapter's fetch (one with a connect timeout); by default the global one. */
  constructor(private readonly inner?: FetchFn) {}

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await (this.inner ?? globalThis.fetch)(input, init);
    this.status = response.status;
    this.headers = lowerCaseHeaders(response.headers);
    return response;
  };
}
