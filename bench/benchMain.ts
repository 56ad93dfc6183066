/**
 * What the usage benches (usageScaleBench.ts, usageExportBench.ts) share around their main():
 * a failure printed with its stack and exit code 1, and waiting for a stopped daemon to be gone.
 */

/** Runs a bench's main(); a failure prints its stack on stderr and exits with 1. */
export function runBench(main: () => Promise<void>): void {
  void main().catch((err) => {
    process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
    process.exit(1);
  });
}

/** Whether a process is still there (signal 0 checks without signalling). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
