import { describe, expect, it } from 'vitest';
import { FlightCancelled, SingleFlight } from '../../../../daemon/cache/singleFlight';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('single flight', () => {
  it('runs one call for identical keys in flight; a later call after it settled starts afresh', async () => {
    const sf = new SingleFlight<string>();
    let calls = 0;
    const gate = deferred<string>();
    const start = async () => {
      calls++;
      return gate.promise;
    };
    const runs = Array.from({ length: 10 }, () => sf.run('k', new AbortController().signal, undefined, start));
    expect(runs.filter((r) => r.leader)).toHaveLength(1);
    gate.resolve('answer');
    expect(await Promise.all(runs.map((r) => r.result))).toEqual(Array(10).fill('answer'));
    expect(calls).toBe(1);
    await sf.run('k', new AbortController().signal, undefined, async () => {
      calls++;
      return 'again';
    }).result;
    expect(calls).toBe(2);
  });

  it('a cancelled caller leaves the others served; the call is aborted only when all cancelled', async () => {
    const sf = new SingleFlight<string>();
    let upstream: AbortSignal | undefined;
    const gate = deferred<string>();
    const start = async (signal: AbortSignal) => {
      upstream = signal;
      return gate.promise;
    };
    const a = new AbortController();
    const b = new AbortController();
    const ra = sf.run('k', a.signal, undefined, start);
    const rb = sf.run('k', b.signal, undefined, start);
    a.abort();
    await expect(ra.result).rejects.toBeInstanceOf(FlightCancelled);
    expect(upstream?.aborted).toBe(false);
    gate.resolve('ok');
    expect(await rb.result).toBe('ok');

    const gate2 = deferred<string>();
    const c = new AbortController();
    const d = new AbortController();
    const rc = sf.run('k2', c.signal, undefined, async (s) => {
      upstream = s;
      return gate2.promise;
    });
    const rd = sf.run('k2', d.signal, undefined, async () => 'never');
    c.abort();
    d.abort();
    await expect(rc.result).rejects.toBeInstanceOf(FlightCancelled);
    await expect(rd.result).rejects.toBeInstanceOf(FlightCancelled);
    expect(upstream?.aborted).toBe(true);
  });

  it('a streaming follower gets what was already sent, then the rest live', async () => {
    const sf = new SingleFlight<string>();
    const gate = deferred<string>();
    let push!: (d: string) => void;
    const leaderSeen: string[] = [];
    const followerSeen: string[] = [];
    const leader = sf.run(
      'k',
      new AbortController().signal,
      { text: (d) => void leaderSeen.push(d) },
      async (_s, sink) => {
        push = (d) => void sink.text(d);
        return gate.promise;
      },
    );
    push('Hel');
    push('lo ');
    const follower = sf.run(
      'k',
      new AbortController().signal,
      { text: (d) => void followerSeen.push(d) },
      async () => 'unused',
    );
    push('world');
    gate.resolve('Hello world');
    await Promise.all([leader.result, follower.result]);
    expect(leaderSeen).toEqual(['Hel', 'lo ', 'world']);
    expect(followerSeen).toEqual(['Hel', 'lo ', 'world']);
  });
});
