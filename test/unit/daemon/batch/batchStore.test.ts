import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BATCH_FILE, openBatchStore } from '../../../../daemon/batch/openBatchStore';
import { SqliteDb } from '../../../../daemon/usage/sqlite';

/** batch.db's tables exactly as the release before tool calls and stop sequences created them. */
const FIRST_SCHEMA = `CREATE TABLE IF NOT EXISTS batch_jobs (
  id TEXT PRIMARY KEY, provider TEXT NOT NULL, model TEXT NOT NULL, state TEXT NOT NULL,
  provider_batch_id TEXT, provider_status TEXT, feature TEXT NOT NULL, source TEXT,
  profile TEXT NOT NULL, client TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  ended_at INTEGER, next_poll_at INTEGER, polls INTEGER NOT NULL DEFAULT 0, last_error TEXT
);
CREATE TABLE IF NOT EXISTS batch_items (
  job_id TEXT NOT NULL REFERENCES batch_jobs(id), custom_id TEXT NOT NULL, line INTEGER NOT NULL,
  feature TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending', text TEXT, model TEXT, usage TEXT,
  cost_usd REAL, stop_reason TEXT, error_code TEXT, error_message TEXT, finished_at INTEGER,
  PRIMARY KEY (job_id, custom_id)
);
CREATE INDEX IF NOT EXISTS batch_jobs_state ON batch_jobs(state);`;

const usage = { input_tokens: 10, output_tokens: 5, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 };

describe('BatchStore on a batch.db from the previous release', () => {
  let home: string;
  const warnings: string[] = [];

  beforeEach(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-batchdb-'));
    warnings.length = 0;
    // A job the old daemon left running: one result in, one pending.
    const old = await SqliteDb.open(path.join(home, BATCH_FILE));
    await old.exec(FIRST_SCHEMA);
    await old.run(
      `INSERT INTO batch_jobs (id, provider, model, state, provider_batch_id, feature, profile, client, created_at, updated_at, next_poll_at) VALUES ('batch_old', 'anthropic', 'claude-sonnet-4-6', 'in_progress', 'msgbatch_1', 'batch', 'default', 'cli', 1, 1, 2)`,
    );
    await old.run(
      `INSERT INTO batch_items (job_id, custom_id, line, feature, state, text, model, usage, cost_usd, stop_reason, finished_at) VALUES ('batch_old', 'a', 1, 'batch', 'succeeded', 'old answer', 'claude-sonnet-4-6', ?, 0.01, 'end_turn', 2)`,
      [JSON.stringify(usage)],
    );
    await old.run(`INSERT INTO batch_items (job_id, custom_id, line, feature) VALUES ('batch_old', 'b', 2, 'batch')`);
    await old.close();
  });

  afterEach(() => {
    fs.rmSync(home, { recursive: true, force: true });
  });

  const open = async () => {
    const store = await openBatchStore(home, (_level, msg) => warnings.push(msg));
    expect(store, warnings.join('; ')).toBeDefined();
    return store!;
  };

  it('opens, keeps its jobs and results, and stores tool calls and stop sequences for them from then on', async () => {
    const store = await open();
    try {
      expect(await store.get('batch_old')).toMatchObject({
        state: 'in_progress',
        counts: { succeeded: 1, pending: 1 },
      });
      // Submitted before the release: nothing to read its answer by.
      expect(await store.itemKeys('batch_old')).toEqual([{ customId: 'a' }, { customId: 'b' }]);
      const call = { id: 'toolu_1', name: 'lookup', input: { q: 'x' } };
      expect(
        await store.finishItem(
          'batch_old',
          {
            customId: 'b',
            state: 'succeeded',
            text: 'new answer',
            model: 'claude-sonnet-4-6',
            usage,
            stopReason: 'tool_use',
            toolCalls: [call],
          },
          0.02,
        ),
      ).toBe(true);
      const [a, b] = await store.results('batch_old');
      expect(a).toMatchObject({ customId: 'a', state: 'succeeded', text: 'old answer', stopReason: 'end_turn' });
      expect(a).not.toHaveProperty('toolCalls');
      expect(a).not.toHaveProperty('stopSequence');
      expect(b).toMatchObject({ customId: 'b', text: 'new answer', toolCalls: [call] });
    } finally {
      await store.close();
    }
  });

  it('opening it again (the columns already there) changes nothing', async () => {
    await (await open()).close();
    const store = await open();
    try {
      expect((await store.results('batch_old')).map((r) => r.customId)).toEqual(['a', 'b']);
    } finally {
      await store.close();
    }
  });
});
