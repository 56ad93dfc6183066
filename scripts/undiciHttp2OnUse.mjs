// An esbuild plugin for the daemon's bundle (esbuild.mjs), shared with its test
// (test/unit/daemon/providers/http2OnUse.test.ts).
import { fileURLToPath, URL } from 'node:url';

/**
 * undici's HTTP/2 client requires 'node:http2' when it is evaluated, which every daemon's first
 * request (and a cold ask) paid for, though nothing in the daemon asks undici for HTTP/2. In the
 * daemon's bundle that require gets daemon/providers/http2OnUse.ts, which loads node:http2 on
 * the first HTTP/2 connect (issue #23).
 */
export const undiciHttp2OnUse = {
  name: 'undici-http2-on-use',
  setup(build) {
    const shim = fileURLToPath(new URL('../daemon/providers/http2OnUse.ts', import.meta.url));
    build.onResolve({ filter: /^(node:)?http2$/ }, (args) =>
      /[\\/]node_modules[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/.test(args.importer)
        ? { path: shim }
        : undefined,
    );
  },
};
