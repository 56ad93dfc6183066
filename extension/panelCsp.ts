/**
 * The usage panel's CSP: nothing but the page's nonce'd script and the bundle's own files (no
 * 'unsafe-inline': the charts set styles through the CSSOM, which CSP does not block). The first
 * snapshot's `<script type="application/json">` is not script (nothing runs it; the page parses
 * its text). Free of 'vscode' so the browser tests load the page under the same policy.
 */
export function panelCsp(cspSource: string, scriptNonce: string): string {
  return `default-src 'none'; img-src ${cspSource}; font-src ${cspSource}; style-src ${cspSource}; script-src 'nonce-${scriptNonce}';`;
}
