import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestProject } from 'vitest/node';
import { readRecords, recordState } from './integration/daemonRegistry';

declare module 'vitest' {
  export interface ProvidedContext {
    daemonRegistry: string;
  }
}

/**
 * A daemon left running after the suite is a bug: it holds its home, writes into it after the test
 * removed it, and outlives CI's job. Each harness records the daemons started in its home
 * (integration/daemonRegistry.ts) and stops them before removing the home; what is still alive at
 * the end was started after that, or in a home no harness disposed.
 */
export default function setup(project: TestProject): () => Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-daemons-'));
  project.provide('daemonRegistry', dir);
  return async () => {
    const records = readRecords(dir);
    const states = await Promise.all(records.map(recordState));
    const alive = records.filter((_, i) => states[i] !== 'gone');
    fs.rmSync(dir, { recursive: true, force: true });
    if (alive.length === 0) return;
    // Its own socket answered, so the pid is that daemon's: stopping it cannot hit another process.
    for (const [i, r] of records.entries()) if (states[i] === 'alive') process.kill(r.pid, 'SIGTERM');
    const lines = alive.map(
      (r) => `  pid ${r.pid} in ${r.home ?? '(no CONDUIT_HOME)'}, started by ${r.testFile ?? '(an unknown test file)'}`,
    );
    // Vitest reports an error thrown here but still exits 0; the exit code is what CI reads.
    process.exitCode = 1;
    throw new Error(
      `${alive.length} daemon(s) started by the tests are still running after the suite:\n${lines.join('\n')}\n` +
        'Stop every daemon through its DaemonHarness (dispose) before the test file ends.',
    );
  };
}
