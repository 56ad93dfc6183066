import * as v8 from 'node:v8';

/** The --max-semi-space-size this process started with (command line or NODE_OPTIONS), if any. */
function startingSemiSpace(): string | undefined {
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  let found: string | undefined;
  args.forEach((arg, i) => {
    const m = /^--max[-_]semi[-_]space[-_]size(?:=(\d+))?$/.exec(arg);
    if (m) found = m[1] ?? args[i + 1];
  });
  return found;
}

/**
 * Lets the worker threads started until `restore` is called size their young generation by their
 * own `resourceLimits`. The daemon starts with --max-semi-space-size (daemonRuntime.ts) for its
 * main isolate, and V8 lets that flag win over an isolate's limits: each export worker got 4 MB
 * semi-spaces instead of the 1 MB young generation it asks for (bench/usageExportBench.ts: two
 * workers cost about 14 MB more RSS with the flag). An isolate reads the flag when it is created,
 * so the flag is cleared while the export's workers start and set back once they run: the main
 * isolate never sees the change, and the SQLite thread (whose result rows a small nursery would
 * promote to its old generation) keeps the flag's semi-spaces as before.
 */
export function workersOwnYoungGeneration(restoreTo = startingSemiSpace()): () => void {
  try {
    v8.setFlagsFromString('--max-semi-space-size=0');
  } catch {
    // A runtime that refuses flags at run time keeps the flag: workers are then larger, not wrong.
    return () => undefined;
  }
  return () => {
    try {
      v8.setFlagsFromString(`--max-semi-space-size=${restoreTo ?? 0}`);
    } catch {
      // As above.
    }
  };
}
