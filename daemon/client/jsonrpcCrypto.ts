import { nodeCrypto } from '../platform/nodeCrypto';

/**
 * What vscode-jsonrpc's node entry takes from 'crypto', which it requires at load although it uses
 * it only to name a pipe or a UUID on demand (never on the CLI's or the daemon's path). Both bundles
 * give it this module instead (scripts/jsonrpcCryptoOnUse.mjs), so neither a warm `conduit ask` nor
 * an idle daemon loads crypto's 17 modules.
 */
export function randomBytes(size: number): Buffer {
  return nodeCrypto().randomBytes(size);
}

export function randomUUID(): string {
  return nodeCrypto().randomUUID();
}
