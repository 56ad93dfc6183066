import { defineConfig } from 'vitest/config';

// The live tests: a few tiny requests to the real provider APIs, for each provider whose
// credentials are present. Run by `npm run test:live` only; never part of `npm test`, and they
// skip (saying why) in CI or without credentials. Each request asks for at most 16 tokens.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/live/**/*.live.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
