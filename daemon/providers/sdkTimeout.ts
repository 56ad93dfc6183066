/**
 * The SDK-level timeout. It is only a backstop: Conduit's own timeout policy decides when to give
 * up and aborts through the AbortSignal, so this is long enough never to fire first. (A set value
 * also stops @anthropic-ai/sdk from refusing large non-streamed max_tokens.)
 */
export const SDK_TIMEOUT_MS = 15 * 60 * 1000;
