import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatResult, Job } from '../../../../protocol';
import { DurableQueue } from '../../../../daemon/resilience/durableQueue';
import { QueueWorker } from '../../../../daemon/resilience/queueWorker';
import { SqliteDb } from '../../../../daemon/usage/sqlite';

const request = { messages: [{ role: 'user' as const, content: 'nightly summary' }], priority: 'background' as const };
const result = { text: 'done', provider: 'openai', model: 'm' } as ChatResult;

describe('QueueWorker (real SQLite)', () => {
  let dir: string;
  let db: SqliteDb;
  let now: number;
  let queue: DurableQueue;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cqw-'));
    db = await SqliteDb.open(path.join(dir, 'queue.db'));
    now = 1_000_000;
    queue = new DurableQueue(db, () => now);
    await queue.init();
  });
  afterEach(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const worker = (paused: boolean, ran: Job[]) =>
    new QueueWorker({
      queue,
      run: (job) => {
        ran.push(job);
        return Promise.resolve(result);
      },
      retryable: () => true,
      onFinished: () => undefined,
      log: () => undefined,
      paused,
    });

  it('runs a due job, and a paused worker runs nothing (the job stays queued for the next daemon)', async () => {
    const id = await queue.enqueue(request, { code: 'overloaded', message: 'down' });
    now += 60_000;
    const ran: Job[] = [];
    await worker(true, ran).drain();
    expect(ran).toEqual([]);
    expect(await queue.get(id)).toMatchObject({ state: 'queued', runs: 0 });
    await worker(false, ran).drain();
    expect(ran.map((j) => j.id)).toEqual([id]);
    expect(await queue.get(id)).toMatchObject({ state: 'done' });
  });
});
