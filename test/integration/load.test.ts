import { describe, expect, it } from 'vitest';
import type { ChatResult, StatusResult } from '../../protocol';
import { waitFor, useDaemonAndFake } from './harness';

const CLIENTS = 20;
const REQUESTS = 200;

describe('load: 200 requests from 20 concurrent CLI clients', () => {
  const env = useDaemonAndFake({ resetEachTest: false });

  it('all succeed, and the daemon heap returns to near its idle level', async () => {
    // --expose-gc lets `status --settle-memory` measure live memory, not garbage.
    const daemon = env.h.spawnDaemon(['--expose-gc']);
    daemon.stderr?.resume();
    await waitFor(
      async () => {
        try {
          await env.h.status();
          return true;
        } catch {
          return false;
        }
      },
      10_000,
      'the daemon',
    );
    const settled = async (): Promise<StatusResult> => {
      const c = await env.h.connect(false);
      try {
        return await c.status(true);
      } finally {
        c.close();
      }
    };
    // Warm every code path once, so "idle" includes the SDK clients a real daemon keeps.
    for (const provider of ['anthropic', 'openai', 'gemini'] as const) {
      expect((await env.h.cli(['ask', '--provider', provider, 'warm up'])).code).toBe(0);
    }
    const idle = await settled();

    let next = 0;
    const failures: string[] = [];
    const providers = ['anthropic', 'openai', 'gemini', 'openaiCompatible'] as const;
    const worker = async () => {
      while (next < REQUESTS) {
        const i = next++;
        const provider = providers[i % providers.length]!;
        const args = ['ask', '--provider', provider, '--json', ...(i % 2 ? ['--no-stream'] : []), `request ${i}`];
        const r = await env.h.cli(args, { timeoutMs: 60_000 });
        if (r.code !== 0) {
          failures.push(`#${i}: ${r.stderr}`);
          continue;
        }
        const result = JSON.parse(r.stdout) as ChatResult;
        if (result.provider !== provider || result.text.length === 0) failures.push(`#${i}: unexpected ${r.stdout}`);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, worker));
    expect(failures).toEqual([]);
    const after = await settled();
    expect(after.requestsServed - idle.requestsServed).toBe(REQUESTS);
    const grownMb = (after.memory.heapUsed - idle.memory.heapUsed) / 1024 / 1024;
    console.log(
      `heap idle ${(idle.memory.heapUsed / 1048576).toFixed(1)} MB, after ${REQUESTS} requests ${(after.memory.heapUsed / 1048576).toFixed(1)} MB (+${grownMb.toFixed(1)} MB); rss ${(idle.memory.rss / 1048576).toFixed(0)} → ${(after.memory.rss / 1048576).toFixed(0)} MB`,
    );
    expect(grownMb).toBeLessThan(8);
    const exited = new Promise((r) => daemon.once('close', r));
    daemon.kill('SIGTERM');
    await exited;
  }, 180_000);
});
