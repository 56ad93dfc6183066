import { TIMEOUT_SCALE } from './harness';

/** Resolves once the process is gone: the daemon closes its databases after answering `stop`. */
export async function exited(pid: number): Promise<void> {
  const deadline = Date.now() + 20_000 * TIMEOUT_SCALE;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`the daemon (pid ${pid}) did not exit after conduit stop`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
