import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real daemon processes; two cores cannot run many at once.
    maxWorkers: 2,
    // Safety nets, not assertions: the suite must pass on a machine loaded at several times its
    // cores, where a daemon's start alone can take seconds.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Records the daemons the tests start and fails the run if one is still running at its end.
    globalSetup: ['test/daemonsLeft.globalSetup.ts'],
  },
});
