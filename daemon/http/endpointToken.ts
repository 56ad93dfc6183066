import * as path from 'node:path';
import { readOrCreateToken } from '../home/token';

/**
 * The local endpoint's own bearer token: 32 random bytes, 0600, beside the IPC token but never
 * the same one, so a tool given this token cannot speak the daemon's IPC (keys, config).
 */
export function endpointTokenFile(home: string): string {
  return path.join(home, 'endpoint-token');
}

export function readOrCreateEndpointToken(home: string): string {
  return readOrCreateToken(endpointTokenFile(home));
}
