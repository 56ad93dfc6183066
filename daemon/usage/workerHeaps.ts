import * as v8 from 'node:v8';

/**
 * Lets each worker thread's own `resourceLimits` size its young generation. The daemon starts
 * with --max-semi-space-size (daemonRuntime.ts) for its main isolate, and V8 lets that flag win
 * over an isolate's limits: every worker the daemon started got the main thread's 4 MB semi-spaces
 * instead of the 1 MB nursery it asked for (bench/usageExportBench.ts: two export workers cost
 * about 15 MB more RSS in the daemon than in a process without the flag). An isolate reads the
 * flag when it is created, so clearing it changes only isolates started later, never the main one.
 */
export function workersOwnYoungGeneration(): void {
  // Each time, not once: a few microseconds, and something may have set the flag since.
  try {
    v8.setFlagsFromString('--max-semi-space-size=0');
  } catch {
    // A runtime that refuses flags at run time keeps the flag: workers are then larger, not wrong.
  }
}
