import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatResult, ConduitErrorData } from '../../../../protocol';
import { DurableQueue } from '../../../../daemon/resilience/durableQueue';
import { SqliteDb } from '../../../../daemon/usage/sqlite';

const request = {
  messages: [{ role: 'user' as const, content: 'summarize the repo' }],
  priority: 'background' as const,
  stream: true,
};
const outage: ConduitErrorData = { code: 'overloaded', message: 'down' };
const result = { text: 'done', provider: 'openai', model: 'm' } as ChatResult;

describe('DurableQueue (real SQLite)', () => {
  let dir: string;
  let db: SqliteDb;
  let now: number;
  let queue: DurableQueue;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdq-'));
    db = await SqliteDb.open(path.join(dir, 'queue.db'));
    now = 1_000_000;
    queue = new DurableQueue(db, () => now);
    await queue.init();
  });
  afterEach(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('holds a job until it falls due, honouring the server hint, and runs it non-streamed', async () => {
    const id = await queue.enqueue(request, { ...outage, retryAfterMs: 30_000 });
    expect(await queue.claimDue()).toBeUndefined();
    now += 30_000;
    const job = await queue.claimDue();
    expect(job).toMatchObject({ id, state: 'running', runs: 1 });
    expect(job?.request.stream).toBe(false);
    expect(await queue.claimDue()).toBeUndefined();
  });

  it('asks SQLite nothing while no job can be due, so an idle daemon lets its database thread sleep', async () => {
    const asked: string[] = [];
    const counted = new DurableQueue(
      {
        exec: (sql) => db.exec(sql),
        run: (sql, params) => (asked.push(sql), db.run(sql, params)),
        all: <T>(sql: string, params?: readonly (string | number | null)[]) => (
          asked.push(sql),
          db.all<T>(sql, params)
        ),
      },
      () => now,
    );
    expect(await counted.claimDue()).toBeUndefined();
    const looked = asked.length;
    expect(await counted.claimDue()).toBeUndefined();
    expect(asked.length).toBe(looked);
    const id = await counted.enqueue(request, { ...outage, retryAfterMs: 30_000 });
    expect(await counted.claimDue()).toBeUndefined();
    const afterEnqueue = asked.length;
    now += 29_999;
    expect(await counted.claimDue()).toBeUndefined();
    expect(asked.length).toBe(afterEnqueue);
    now += 1;
    expect(await counted.claimDue()).toMatchObject({ id, state: 'running' });
  });

  it('completes a job exactly once', async () => {
    const id = await queue.enqueue(request, outage);
    now += 60_000;
    const job = (await queue.claimDue())!;
    expect(await queue.complete(job.id, result)).toBe(true);
    expect(await queue.complete(job.id, result)).toBe(false);
    expect((await queue.get(id))?.state).toBe('done');
    expect((await queue.get(id))?.result?.text).toBe('done');
  });

  it('backs off after a failed run, and gives up on a final error', async () => {
    const id = await queue.enqueue(request, outage);
    now += 60_000;
    let job = (await queue.claimDue())!;
    expect(await queue.failed(job, outage, false)).toBe('queued');
    expect(await queue.claimDue()).toBeUndefined();
    now += 10_000;
    job = (await queue.claimDue())!;
    expect(job.runs).toBe(2);
    expect(await queue.failed(job, { code: 'invalid_request', message: 'bad' }, true)).toBe('failed');
    expect((await queue.get(id))?.lastError?.code).toBe('invalid_request');
  });

  it('with queue.rerunUnfinished, re-queues a job a crashed daemon was running, and survives reopening the file', async () => {
    const id = await queue.enqueue(request, outage);
    now += 60_000;
    await queue.claimDue();
    await db.close();
    db = await SqliteDb.open(path.join(dir, 'queue.db'));
    queue = new DurableQueue(db, () => now);
    await queue.init(true);
    expect((await queue.get(id))?.state).toBe('queued');
    expect(await queue.pendingCount()).toBe(1);
    expect((await queue.claimDue())?.id).toBe(id);
  });

  it('by default holds a job a crashed daemon had sent, until retry() (at most one bill without consent)', async () => {
    const id = await queue.enqueue(request, outage);
    now += 60_000;
    await queue.claimDue();
    await db.close();
    db = await SqliteDb.open(path.join(dir, 'queue.db'));
    queue = new DurableQueue(db, () => now);
    await queue.init();
    const held = await queue.get(id);
    expect(held?.state).toBe('held');
    expect(held?.lastError?.message).toMatch(/conduit jobs retry/);
    expect(await queue.claimDue()).toBeUndefined();
    expect(await queue.pendingCount()).toBe(0);
    expect((await queue.retry(id))?.state).toBe('queued');
    expect((await queue.claimDue())?.id).toBe(id);
    expect(await queue.retry(id)).toBeNull();
  });

  it('wake() makes waiting jobs due at once', async () => {
    await queue.enqueue(request, { ...outage, retryAfterMs: 3_600_000 });
    expect(await queue.claimDue()).toBeUndefined();
    await queue.wake();
    expect(await queue.claimDue()).toBeDefined();
  });
});
