// An esbuild plugin for the daemon's and the CLI's bundles (esbuild.mjs), shared with the daemon
// bundle's test (test/unit/daemon/daemonBundle.test.ts).
import { fileURLToPath, URL } from 'node:url';

/**
 * vscode-jsonrpc's node entry requires 'crypto' at load but uses it only on demand (a pipe's name,
 * a UUID); here it gets daemon/client/jsonrpcCrypto.ts, which loads crypto on first use, so neither
 * a warm `conduit ask` nor an idle daemon carries crypto's modules (issue #23).
 */
export const jsonrpcCryptoOnUse = {
  name: 'jsonrpc-crypto-on-use',
  setup(build) {
    const shim = fileURLToPath(new URL('../daemon/client/jsonrpcCrypto.ts', import.meta.url));
    build.onResolve({ filter: /^(node:)?crypto$/ }, (args) =>
      /[\\/]vscode-jsonrpc[\\/]/.test(args.importer) ? { path: shim } : undefined,
    );
  },
};
