import * as crypto from 'node:crypto';

/** A nonce for one page's scripts, from the crypto RNG. */
export function nonce(): string {
  return crypto.randomBytes(16).toString('base64');
}

/** `default-src 'none'`: only this page's own nonce'd scripts and styles, and local resources. */
export function strictCsp(cspSource: string, scriptNonce: string): string {
  return `default-src 'none'; img-src ${cspSource} data:; font-src ${cspSource}; style-src ${cspSource} 'nonce-${scriptNonce}'; script-src 'nonce-${scriptNonce}' ${cspSource};`;
}
