import { describe, expect, it } from 'vitest';
import type { Job } from '../../protocol';
import { isRunning, ONE_PROVIDER, useDaemonAndFake, waitFor } from './harness';

/**
 * At most one bill per queued job: a kill -9 after the provider got the job's request and before
 * the job was marked done leaves it held, not re-sent, until `conduit jobs retry ID`.
 */
describe('a queued job the daemon died during is held for the user, not re-sent', () => {
  // One provider, so the job is queued and held rather than answered elsewhere.
  const env = useDaemonAndFake({
    env: ONE_PROVIDER,
    config: { resilience: { maxAttempts: 1, breaker: { consecutiveFailures: 100 } } },
    resetEachTest: false,
  });
  const show = async (id: string): Promise<Job> => {
    const r = await env.h.cli(['jobs', 'show', id, '--json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Job;
  };

  it('kill -9 while the provider holds the answer: held, no second request, then retry runs it once more', async () => {
    env.fake.setDefault('openai', { status: 503 });
    const queued = await env.h.cli(['ask', '--provider', 'openai', '--background', 'the nightly report']);
    expect(queued.code, queued.stderr).toBe(5);
    const id = /(job_[0-9a-f-]+)/.exec(queued.stderr)![1]!;

    // The worker's run reaches the provider, which holds its answer: the moment between the
    // upstream call and the job's completion, made observable by the recorded request.
    env.fake.reset();
    env.fake.setDefault('openai', { fault: { kind: 'hang' } });
    await env.fake.waitForRequests(1, 60_000);
    const pid = (await env.h.status()).pid;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => !isRunning(pid), 10_000, 'the daemon to die');

    env.fake.reset();
    env.fake.setDefault('openai', { text: 'the report' });
    const held = await show(id);
    expect(held.state).toBe('held');
    expect(held.lastError?.message).toMatch(/may have answered and billed it.*conduit jobs retry/);
    const list = await env.h.cli(['jobs', '--state', 'held', '--json']);
    expect((JSON.parse(list.stdout) as Job[]).map((j) => j.id)).toEqual([id]);
    // Held is not claimable: nothing went upstream since the restart.
    expect(env.fake.requestsFor('openai')).toHaveLength(0);

    const retried = await env.h.cli(['jobs', 'retry', id]);
    expect(retried.code, retried.stderr).toBe(0);
    await waitFor(async () => (await show(id)).state === 'done', 30_000, 'the retried job to finish');
    expect((await show(id)).result?.text).toBe('the report');
    expect(env.fake.requestsFor('openai')).toHaveLength(1);
    expect((await env.h.cli(['jobs', 'retry', id])).code).toBe(1);
  });
});
