import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { LedgerJournal } from '../../../../daemon/usage/ledgerJournal';
import { readRollupState } from '../../../../daemon/usage/rollupState';
import { SqliteDb } from '../../../../daemon/usage/sqlite';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { tempDir } from './records';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const dir = tempDir('conduit-crash-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the writer until it has acknowledged a random number of rows, then SIGKILLs it. */
function runAndKill(
  script: string,
  file: string,
  runId: string,
  killAfterAcks: number,
  mode: string,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    // sqlite3 stays outside the bundle (a native module); NODE_PATH lets the child find it.
    const child = spawn(process.execPath, [script, file, runId, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') },
    });
    const acked: string[] = [];
    let buffer = '';
    let stderr = '';
    let killed = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? ''; // a half-printed id was never acknowledged
      for (const line of lines) if (line && line !== 'ready') acked.push(line);
      if (!killed && acked.length >= killAfterAcks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer exited on its own (code ${code}): ${stderr}`));
    });
    setTimeout(() => {
      if (!killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    }, 10_000).unref();
  });
}

// Fifteen or more writer processes, each started and killed: bounded work that takes longer
// than the default timeout on a loaded machine.
describe('ledger crash safety', () => {
  it.each([
    ['rows committed to SQLite before the acknowledgement', 'sqlite'],
    ['rows fsynced in the journal before the acknowledgement (the daemon default)', 'journal'],
  ])(
    'SIGKILL at random points, %s: the database stays intact and every acknowledged row is there',
    async (_, mode) => {
      const script = path.join(dir, 'crashWriter.js');
      await build({
        entryPoints: [path.join(here, 'crashWriter.ts')],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        external: ['sqlite3'],
        outfile: script,
        logLevel: 'silent',
      });
      const file = path.join(dir, mode, 'usage.db');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const acked: string[] = [];
      let runs = 0;
      while ((runs < 15 || acked.length < 300) && runs < 40) {
        // Kill anywhere from almost at once to well into a run, so some kills land mid-commit.
        const ids = await runAndKill(script, file, `run${runs}`, 5 + Math.floor(Math.random() * 150), mode);
        acked.push(...ids);
        runs++;
      }
      console.log(`[crash safety] ${runs} SIGKILLs, ${acked.length} acknowledged rows`);
      expect(acked.length).toBeGreaterThanOrEqual(200);
      if (mode === 'journal') {
        // The last run's journal is replayed, as the next daemon's start does, before anything is read.
        expect(LedgerJournal.leftBehind(file).length).toBeGreaterThan(0);
        const recovery = new UsageLedger({ file, journal: true });
        await recovery.open();
        await recovery.close();
        expect(LedgerJournal.leftBehind(file)).toEqual([]);
      }

      const db = await SqliteDb.open(file);
      try {
        expect(await db.all('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
        const present = new Set(
          (await db.all<{ request_id: string }>('SELECT request_id FROM requests')).map((r) => r.request_id),
        );
        const missing = acked.filter((id) => !present.has(id));
        expect(missing).toEqual([]);
        // Exactly once: no id twice (the UNIQUE constraint), and nothing invented.
        const dupes = await db.all('SELECT request_id, COUNT(*) AS n FROM requests GROUP BY request_id HAVING n > 1');
        expect(dupes).toEqual([]);
        // The roller moves rolled_to in the transaction that folds the rows: after every kill the
        // rollups hold exactly the rows up to it.
        const { rolledTo } = await readRollupState(db);
        expect(rolledTo).toBeGreaterThan(0);
        const raw = await db.get<{ n: number; tokens: number }>(
          'SELECT COUNT(*) AS n, SUM(input_tokens) AS tokens FROM requests WHERE id <= ?',
          [rolledTo],
        );
        for (const table of ['usage_hourly', 'usage_daily']) {
          const rollup = await db.get<{ n: number; tokens: number }>(
            `SELECT SUM(requests) AS n, SUM(input_tokens) AS tokens FROM ${table}`,
          );
          expect(rollup).toEqual(raw);
        }
      } finally {
        await db.close();
      }
      // 15 to 40 writer processes, each started and killed in turn: seconds each on a loaded machine.
    },
    240_000,
  );
});
