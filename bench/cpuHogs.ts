import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';

/**
 * The loaded-machine variant: one busy-looping process per core for as long as the comparison
 * runs, so every side competes with them for the CPU the way it would on a busy machine.
 */
export interface CpuHogs {
  count: number;
  stop(): Promise<void>;
}

export function startCpuHogs(count = os.availableParallelism()): CpuHogs {
  const hogs: ChildProcess[] = [];
  for (let i = 0; i < count; i++)
    hogs.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore', windowsHide: true }));
  return {
    count,
    async stop() {
      await Promise.all(
        hogs.map(
          (h) =>
            new Promise<void>((resolve) => {
              if (h.exitCode !== null || h.signalCode !== null) return resolve();
              h.once('exit', () => resolve());
              h.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}
