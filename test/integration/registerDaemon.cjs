'use strict';
/**
 * Preloaded (NODE_OPTIONS) into every Node process a DaemonHarness starts, so the tests know each
 * daemon started in a harness home, however it was started (the CLI, a client, a test's own
 * spawn), can stop it before the home is removed, and can report one left running after the suite.
 *
 * A process that spawns a daemon records it at once: a CLI that exits right after spawning leaves
 * a window, before the daemon's own record, in which its home could be removed under it. The
 * daemon then records itself with a socket of its own, which answers exactly while it lives: a pid
 * alone could by then name another process (pids are reused), which the tests must never signal.
 * The record stays after the daemon's exit: its socket refuses once the process has ended, which an
 * exit handler (run before native cleanup, which may still write) could not tell.
 */
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.CDT_DAEMON_REGISTRY;

function isDaemonScript(file) {
  return typeof file === 'string' && path.basename(file) === 'daemon.js';
}

function record(pid, env, socket) {
  const entry = { pid, home: env.CONDUIT_HOME, testFile: env.CDT_TEST_FILE, socket };
  fs.writeFileSync(path.join(dir, `${pid}.json`), JSON.stringify(entry));
}

/** Records the daemons `cp.spawn` starts; once per module object. */
function recordSpawns(cp) {
  if (cp.spawn.recordsDaemons) return cp;
  const spawn = cp.spawn;
  cp.spawn = function spawnRecorded(command, args, options) {
    const child = spawn.apply(this, arguments);
    if (Array.isArray(args) && args.some(isDaemonScript) && child.pid !== undefined) {
      record(child.pid, (options && options.env) || process.env, undefined);
    }
    return child;
  };
  cp.spawn.recordsDaemons = true;
  return cp;
}

function isChildProcess(id) {
  return id === 'child_process' || id === 'node:child_process';
}

if (dir && isDaemonScript(process.argv[1])) {
  if (require('node:worker_threads').isMainThread) {
    const net = require('node:net');
    const socket =
      process.platform === 'win32'
        ? `\\\\.\\pipe\\cdt-daemon-${process.pid}-${Date.now()}`
        : path.join(dir, `${process.pid}.sock`);
    const server = net.createServer((c) => c.destroy());
    server.listen(socket, () => record(process.pid, process.env, socket));
    server.unref();
  }
} else if (dir) {
  // Patched where it is loaded, not here: the CLI's own tests check it loads no child_process
  // (test/integration/cliModules.test.ts), and the CLI loads it through getBuiltinModule.
  const getBuiltinModule = process.getBuiltinModule;
  if (getBuiltinModule) {
    process.getBuiltinModule = function getBuiltinModuleRecorded(id) {
      const m = getBuiltinModule.apply(this, arguments);
      return isChildProcess(id) && m ? recordSpawns(m) : m;
    };
  }
  const Module = require('node:module');
  const load = Module._load;
  Module._load = function loadRecorded(request) {
    const m = load.apply(this, arguments);
    return isChildProcess(request) ? recordSpawns(m) : m;
  };
}
