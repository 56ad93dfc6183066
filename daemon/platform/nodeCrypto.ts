import type * as Crypto from 'node:crypto';

let loaded: typeof Crypto | undefined;

/**
 * node:crypto, loaded at its first use instead of at the daemon's start (issue #23): crypto's 17
 * modules and OpenSSL's state are about 1.6 MB of an idle daemon's RSS, and the start hashes nothing
 * (with a token and the default home). Synchronous, so a request's key hash stays synchronous: after
 * the first call this is one load of a module variable.
 */
export function nodeCrypto(): typeof Crypto {
  return (loaded ??= process.getBuiltinModule('node:crypto'));
}
