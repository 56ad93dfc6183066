/**
 * The pieces of the daemon's non-streaming reply path, timed alone in this process so the
 * overhead benchmark's "added" figure can be split up: the ledger commit (written, and fsynced),
 * the request log line (deep redaction + JSON), the request schema (zod) and the JSON-RPC
 * framing of a reply. Not a test; prints µs per operation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatRequest } from '../protocol';
import { guardRequest } from '../daemon/guard/inputGuard';
import { Redactor } from '../daemon/guard/redact';
import { Logger } from '../daemon/log/logger';
import { UsageLedger } from '../daemon/usage/usageLedger';
import { benchRecord as record } from './benchRecord';
import { benchHome } from './processes';
import { summarize, type Summary } from './stats';

export interface BreakdownRow {
  step: string;
  p50us: number;
  p99us: number;
  n: number;
}

const us = (s: Summary): { p50us: number; p99us: number; n: number } => ({
  p50us: +(s.p50 * 1000).toFixed(1),
  p99us: +(s.p99 * 1000).toFixed(1),
  n: s.n,
});

async function timeAsync(n: number, op: (i: number) => Promise<unknown>): Promise<Summary> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await op(i);
    xs.push(performance.now() - t);
  }
  return summarize(xs);
}
function timeSync(n: number, op: (i: number) => unknown): Summary {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    op(i);
    xs.push(performance.now() - t);
  }
  return summarize(xs);
}

export async function breakdown(quick: boolean): Promise<BreakdownRow[]> {
  const n = quick ? 300 : 1500;
  const home = benchHome();
  const rows: BreakdownRow[] = [];
  try {
    const ledger = UsageLedger.inHome(home);
    await ledger.open();
    for (let i = 0; i < 50; i++) await ledger.record(record(i));
    // What the reply waits for (the row in the WAL), and what it used to wait for (that and the fsync).
    rows.push({
      step: 'ledger row written (the reply waits for this)',
      ...us(await timeAsync(n, (i) => ledger.record(record(1000 + i)))),
    });
    rows.push({
      step: 'ledger row written + fsynced (off the reply path)',
      ...us(
        await timeAsync(n, async (i) => {
          await ledger.record(record(100_000 + i));
          await ledger.durable();
        }),
      ),
    });
    await ledger.close();

    const redactor = new Redactor();
    redactor.addSecret('sk-bench-FAKE-00000000000000000');
    redactor.addSecret('0123456789abcdef0123456789abcdef');
    const logger = new Logger({ dir: path.join(home, 'logs'), redactor });
    const fields = { ...record(1), sample: undefined, recorded: true };
    for (let i = 0; i < 200; i++) logger.info('request', fields);
    rows.push({
      step: 'request log line (redact + JSON + append)',
      ...us(timeSync(n * 4, () => logger.info('request', fields))),
    });
    rows.push({
      step: '  of which deep redaction of the record',
      ...us(timeSync(n * 4, () => redactor.value(fields))),
    });
    await logger.close();

    const input: ChatRequest = {
      provider: 'openai',
      model: 'gpt-bench',
      messages: [{ role: 'user', content: 'benchmark' }],
      max_tokens: 64,
      stream: false,
    };
    for (let i = 0; i < 500; i++) guardRequest(input, { maxPromptChars: 200_000 });
    rows.push({
      step: 'request schema + input guard (zod)',
      ...us(timeSync(n * 4, () => guardRequest(input, { maxPromptChars: 200_000 }))),
    });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  return rows;
}
