/** Whether the body is the runtime's FormData (an SDK's file upload); checked without a promise. */
export function hasFormBody(init: RequestInit | undefined): init is RequestInit & { body: FormData } {
  return typeof FormData !== 'undefined' && init?.body instanceof FormData;
}

/**
 * A request whose body is a FormData, made plain: its multipart bytes and content type, encoded by
 * the runtime's own Response. The SDKs build FormData with the runtime's class, and undici's
 * package fetch knows only its own FormData class: handed the runtime's, it sent the text
 * "[object FormData]".
 */
export async function encodeFormBody(init: RequestInit & { body: FormData }): Promise<RequestInit> {
  const encoded = new Response(init.body);
  const headers = new Headers(init.headers);
  // The boundary is the encoder's: a content type set by the caller without it could not be parsed.
  headers.set('content-type', encoded.headers.get('content-type') ?? 'multipart/form-data');
  // A length the caller gave was not this body's: the request API would refuse the mismatch.
  headers.delete('content-length');
  return { ...init, headers, body: new Uint8Array(await encoded.arrayBuffer()) };
}
