/**
 * How the daemon's runtime is started for its memory's sake (issue #23): glibc malloc settings in
 * its environment on Linux, and V8 flags on its command line. docs/performance.md has the figures.
 */

/**
 * glibc gives each thread that allocates (libuv's pool, V8's platform workers, the SQLite worker
 * thread) an arena of its own, up to 8 per core, and keeps their freed memory: under load that
 * multiplies RSS, and the memory stays after it. Two arenas, and free() giving memory back to the
 * system above 128 kB, keep it near what the daemon uses. Linux only: macOS and Windows have
 * other allocators, which ignore these names.
 */
export const LINUX_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_TRIM_THRESHOLD_: '131072',
};

/**
 * V8 flags for the daemon, given before the script so they also apply when VS Code's Electron runs
 * it as Node (ELECTRON_RUN_AS_NODE takes Node's and V8's command-line flags; NODE_OPTIONS may be
 * turned off there). A smaller young generation: 16 concurrent requests grew it to its 32 MB
 * default, resident until V8's memory reducer shrinks it. Not a heap cap: nothing here can make
 * the daemon run out of memory sooner.
 * WebAssembly on its baseline compiler only: the daemon's one module is undici's HTTP parser
 * (llhttp), which V8 otherwise recompiles with TurboFan right after the first response, using
 * ~29 MB of compiler memory for its state machine; freed while requests allocate on other threads,
 * glibc kept those pages in about one memory-bench run in four, 20-30 MB for good. The baseline
 * parser costs ~1 µs more per 1 kB answer (docs/performance.md, "llhttp on Liftoff").
 */
export const DAEMON_V8_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--liftoff-only'];

export interface DaemonRuntime {
  /** Flags to put before the daemon's script. */
  execArgv: string[];
  /** What to add to the daemon's environment (nothing when the caller set any of these names). */
  env: Record<string, string>;
}

/** The runtime options for a daemon spawned on `platform` with environment `env`. */
export function daemonRuntime(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
  v8Flags: readonly string[] = DAEMON_V8_FLAGS,
): DaemonRuntime {
  // A caller that set any of them (a user tuning malloc, a benchmark measuring without ours) gets exactly its own.
  const callerTuned = Object.keys(LINUX_MALLOC_ENV).some((name) => env[name] !== undefined);
  const added: Record<string, string> = platform === 'linux' && !callerTuned ? { ...LINUX_MALLOC_ENV } : {};
  // The command line would override NODE_OPTIONS, so a flag the caller set there keeps its say.
  const own = env.NODE_OPTIONS ?? '';
  const execArgv = v8Flags.filter(
    (flag) => !own.includes(flag.includes('=') ? flag.slice(0, flag.indexOf('=') + 1) : flag),
  );
  return { execArgv, env: added };
}

/** The names of the malloc settings a running daemon reports in its status (never anything else from its env). */
export const REPORTED_MALLOC_ENV: readonly string[] = Object.keys(LINUX_MALLOC_ENV);
