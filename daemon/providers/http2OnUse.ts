import type * as http2 from 'node:http2';

/**
 * What undici's HTTP/2 client takes from 'node:http2', which it requires when its module is
 * evaluated although it connects over HTTP/2 only when a dispatcher is made with `allowH2` (the
 * daemon's never is). Requiring it compiled http2's modules on every daemon's first request, a
 * cold ask's path included: about 10 ms of CPU (issue #23). The daemon's bundle gives undici this
 * module instead (scripts/undiciHttp2OnUse.mjs); it loads node:http2 on the first connect.
 *
 * The constants undici reads at load (lib/dispatcher/client-h2.js), with node:http2's values:
 * protocol names and codes (RFC 9113), which a test compares with the runtime's.
 */
export const constants = {
  HTTP2_HEADER_AUTHORITY: ':authority',
  HTTP2_HEADER_METHOD: ':method',
  HTTP2_HEADER_PATH: ':path',
  HTTP2_HEADER_SCHEME: ':scheme',
  HTTP2_HEADER_CONTENT_LENGTH: 'content-length',
  HTTP2_HEADER_EXPECT: 'expect',
  HTTP2_HEADER_STATUS: ':status',
  HTTP2_HEADER_PROTOCOL: ':protocol',
  NGHTTP2_REFUSED_STREAM: 7,
  NGHTTP2_CANCEL: 8,
} as const;

export function connect(...args: Parameters<typeof http2.connect>): http2.ClientHttp2Session {
  return process.getBuiltinModule('node:http2').connect(...args);
}
