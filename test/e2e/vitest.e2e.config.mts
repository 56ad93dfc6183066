import { defineConfig } from 'vitest/config';

// The end-to-end tests: a real VS Code (code-server) in a real browser, the real daemon and the
// fake provider server. Run by `npm run test:e2e` (part of `npm test`); they skip, saying why,
// when code-server or chromium are not installed (test/e2e/install.sh installs them).
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/e2e/globalSetup.ts'],
    // One VS Code at a time: two cores.
    fileParallelism: false,
    // Safety nets: a loaded machine takes minutes where a quiet one takes seconds.
    testTimeout: 300_000,
    hookTimeout: 240_000,
  },
});
