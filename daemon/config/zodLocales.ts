/**
 * What the daemon's bundle has in place of zod's `locales` namespace (esbuild.mjs). zod's entry
 * re-exports every locale as a namespace, so a bundle that uses `z` as an object carried all of
 * them: 267 of the 470 kB of zod the daemon read and compiled at each start (issue #23). The
 * daemon's messages are English, the locale zod registers by itself; nothing calls `z.locales`.
 */
export { default as en } from 'zod/v4/locales/en.js';
