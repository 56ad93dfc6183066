/**
 * Child process for the crash-safety test: records rows as fast as it can on a few concurrent
 * lanes and prints each requestId only after record() resolved, i.e. after the row is durable.
 * The parent kills it with SIGKILL at a random moment. The roller folds rows into the rollups
 * meanwhile.
 */
import { rollBatch } from '../../../../daemon/usage/rollupRoll';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';
import { makeRecord } from './records';

async function main(): Promise<void> {
  const [file, runId, mode] = process.argv.slice(2) as [string, string, string | undefined];
  // "journal": the daemon's default, rows acknowledged once fsynced in the journal (ledgerJournal.ts).
  const journal = mode === 'journal';
  const ledger = new UsageLedger({ file, journal, ackAfterFsync: journal });
  await ledger.open();
  if (ledger.status().state !== 'ok') {
    process.stderr.write(`ledger not ok: ${ledger.status().degraded}\n`);
    process.exit(2);
  }
  process.stdout.write('ready\n');
  let n = 0;
  const lane = async () => {
    for (;;) {
      const requestId = `${runId}-${n++}`;
      const { recorded } = await ledger.record(
        makeRecord({ requestId, sample: n % 7 === 0 ? { prompt: 'p'.repeat(2000), response: 'r'.repeat(500) } : null }),
      );
      if (recorded) process.stdout.write(`${requestId}\n`);
    }
  };
  // The roller folds rows into the rollups all the while, so some kills land mid-fold.
  const roller = async () => {
    for (;;) {
      await rollBatch(ledger.reader(), 7);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  await Promise.all([lane(), lane(), lane(), lane(), roller()]);
}

void main();
