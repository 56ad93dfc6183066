import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach } from 'vitest';
import type { UsageRow } from '../../../../protocol/usage';
import { recordToUsageRow } from '../../../../daemon/usage/ledgerRow';
import type { RequestRecord } from '../../../../daemon/usage/requestRecord';
import { UsageLedger } from '../../../../daemon/usage/usageLedger';

let seq = 0;

/** A finished, successful request; tests override what they are about. */
export function makeRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  seq++;
  return {
    requestId: `req-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    startedAt: Date.now(),
    client: 'cli',
    feature: 'ask',
    priority: 'interactive',
    provider: 'anthropic',
    model: 'claude-sonnet-4-6',
    tier: null,
    experimentArm: null,
    usage: { input_tokens: 100, output_tokens: 20, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 },
    costUsd: 0.001,
    costSavedUsd: 0,
    costEstimated: false,
    latencyMs: 500,
    ttftMs: 120,
    attempts: 1,
    errorCode: null,
    httpStatus: 200,
    fallbackPath: [],
    cache: 'none',
    coalesced: false,
    stream: true,
    profile: 'default',
    sample: null,
    ...overrides,
  };
}

export function makeRow(overrides: Partial<RequestRecord> = {}): UsageRow {
  return recordToUsageRow(makeRecord(overrides));
}

export function tempDir(prefix = 'conduit-usage-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Opens ledgers in temporary homes; each is closed and its home removed after the test. */
export function useTempLedgers(): () => Promise<UsageLedger> {
  const open: UsageLedger[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const l of open.splice(0)) await l.close();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  return async () => {
    const dir = tempDir();
    dirs.push(dir);
    const ledger = UsageLedger.inHome(dir);
    open.push(ledger);
    await ledger.open();
    return ledger;
  };
}

export interface LogLine {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

export function captureLog(): {
  lines: LogLine[];
  log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
} {
  const lines: LogLine[] = [];
  return {
    lines,
    log: (level, msg, fields) => {
      lines.push({ level, msg, ...(fields ? { fields } : {}) });
    },
  };
}
