import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyUsage } from '../../../../protocol';
import { chatResult } from '../chatResultFixture';
import { configSchema } from '../../../../daemon/config/config';
import { recordRequest } from '../../../../daemon/gateway/recordRequest';
import { Redactor } from '../../../../daemon/guard/redact';
import { Logger } from '../../../../daemon/log/logger';
import type { RequestRecord } from '../../../../daemon/usage/requestRecord';

/** A real logger whose request lines are also handed to the test as they are written. */
class WatchedLogger extends Logger {
  readonly lines: { msg: string; fields: Record<string, unknown> | undefined }[] = [];
  private waiter: (() => void) | undefined;
  override info(msg: string, fields?: Record<string, unknown>): void {
    super.info(msg, fields);
    this.lines.push({ msg, fields });
    this.waiter?.();
  }
  nextLine(): Promise<void> {
    return new Promise((resolve) => (this.waiter = resolve));
  }
}

describe('recording a request', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-record-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the ledger row before the reply and writes the log line after it, without the key', async () => {
    const config = configSchema.parse({ provider: 'openai' });
    const redactor = new Redactor();
    const key = 'sk-test-FAKE-record-request-key';
    redactor.addSecret(key);
    const logger = new WatchedLogger({ dir, redactor });
    const rows: RequestRecord[] = [];
    const result = chatResult(`the answer mentions ${key}`, {
      requestId: 'req-1',
      model: 'gpt-test',
      usage: { ...emptyUsage(), input_tokens: 3, output_tokens: 4 },
      costUsd: 0,
    });

    const line = logger.nextLine();
    await recordRequest(
      {
        config: () => config,
        redactor,
        logger,
        recorder: {
          record: async (r) => {
            rows.push(r);
            return { recorded: true };
          },
        },
      },
      {
        ctx: { requestId: 'req-1', client: 'cli', signal: new AbortController().signal },
        request: { messages: [{ role: 'user', content: 'hi' }] },
        startedAt: Date.now(),
        started: performance.now(),
        result,
      },
    );
    // recordRequest has returned: the reply goes out now. The row is in; the line is not yet.
    expect(rows).toHaveLength(1);
    expect(rows[0]!.requestId).toBe('req-1');
    expect(logger.lines).toHaveLength(0);
    await line;
    expect(logger.lines.map((l) => l.msg)).toEqual(['request']);
    expect(logger.lines[0]!.fields).toMatchObject({ requestId: 'req-1', recorded: true });
    await logger.close();
    const written = fs.readFileSync(path.join(dir, 'daemon.log'), 'utf8');
    expect(written).toContain('"msg":"request"');
    expect(written).not.toContain(key);
  });
});
