import { describe, expect, it } from 'vitest';
import type { Job, UsageRow } from '../../protocol';
import { isRunning, ONE_PROVIDER, waitFor, useDaemonAndFake } from './harness';

describe('background requests wait in the durable queue through an outage and a kill -9', () => {
  // rerunUnfinished: a job the worker happens to be retrying at the kill is re-run, as this test
  // (written for at-least-once) expects; holding it is jobsHeld.test.ts's subject.
  // One provider, so its outage is the queue's to ride out (and its requests are counted).
  const env = useDaemonAndFake({
    env: ONE_PROVIDER,
    config: {
      queue: { rerunUnfinished: true },
      resilience: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50, breaker: { consecutiveFailures: 100 } },
    },
    resetEachTest: false,
  });

  it('queues, survives the crash, runs once after recovery, and records one ledger row', async () => {
    // The first daemon's worker runs nothing: on a loaded machine the three CLI runs can outlast
    // the first retry's wait (5 s), and the worker would retry job A before job C is queued. The
    // jobs may run from the next daemon on, which starts without the pause.
    env.h.env.CONDUIT_QUEUE_PAUSED = '1';
    env.fake.setDefault('openai', { status: 503, error: { message: 'upstream down' } });
    const prompts = ['nightly summary A', 'nightly summary B', 'nightly summary C'];
    const jobIds: string[] = [];
    for (const prompt of prompts) {
      const r = await env.h.cli(['ask', '--provider', 'openai', '--background', prompt]);
      expect(r.code, r.stderr).toBe(5);
      const id = /(job_[0-9a-f-]+)/.exec(r.stderr)?.[1];
      expect(id, r.stderr).toBeDefined();
      jobIds.push(id!);
    }
    // Two attempts each during the outage, and nothing else.
    expect(env.fake.requestsFor('openai')).toHaveLength(6);

    const pid = (await env.h.status()).pid;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !isRunning(pid), 5000, 'the daemon to die');
    delete env.h.env.CONDUIT_QUEUE_PAUSED;

    // The provider recovers; the next command starts a daemon, whose worker runs the jobs.
    env.fake.reset();
    env.fake.setDefault('openai', { text: 'the summary' });
    const show = async (id: string): Promise<Job> => {
      const r = await env.h.cli(['jobs', 'show', id, '--json']);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Job;
    };
    await waitFor(
      async () => (await Promise.all(jobIds.map(show))).every((j) => j.state === 'done'),
      30_000,
      'every job to be done',
    );
    for (const id of jobIds) expect((await show(id)).result?.text).toBe('the summary');

    // Nothing run twice: one upstream request per job after recovery.
    const bodies = env.fake.requestsFor('openai').map((r) => JSON.stringify(r.body));
    for (const prompt of prompts) expect(bodies.filter((b) => b.includes(prompt))).toHaveLength(1);

    // Exactly one ledger row per job, written when it finished.
    const exported = await env.h.cli(['usage', 'export', '--json', '-']);
    expect(exported.code, exported.stderr).toBe(0);
    const rows = JSON.parse(exported.stdout) as UsageRow[];
    for (const id of jobIds) {
      const mine = rows.filter((r) => r.requestId === id);
      expect(mine).toHaveLength(1);
      expect(mine[0]?.errorCode).toBeNull();
    }
    expect(rows.filter((r) => r.errorCode === 'queued')).toHaveLength(0);
  });
});
