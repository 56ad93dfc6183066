// An esbuild plugin for the daemon's bundle (esbuild.mjs), shared with its test
// (test/unit/daemon/daemonBundle.test.ts).
import { fileURLToPath, URL } from 'node:url';

/**
 * zod's entry re-exports every locale as a namespace, so a bundle that uses `z` as an object
 * carried all of them: 267 of the 490 kB of zod the daemon read and compiled at each start
 * (issue #23). Here zod's own `../locales/index.js` is daemon/config/zodLocales.ts, which has
 * English alone, the locale zod registers by itself.
 */
export const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    const shim = fileURLToPath(new URL('../daemon/config/zodLocales.ts', import.meta.url));
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: shim } : undefined,
    );
  },
};
