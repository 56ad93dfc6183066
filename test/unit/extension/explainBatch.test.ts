import { describe, expect, it } from 'vitest';
import type { BatchItemResult } from '../../../protocol';
import { parseBatchLines } from '../../../daemon/batch/batchLines';
import { configSchema } from '../../../daemon/config/config';
import {
  explainBatchLines,
  inParallel,
  matchExplanations,
  type PendingExplainBatch,
  type SymbolTarget,
} from '../../../extension/explainBatch';
import { explainRequest } from '../../../extension/explainPrompt';
import { symbolHash } from '../../../extension/symbolHash';

function target(name: string, line: number, code: string): SymbolTarget {
  return {
    name,
    startLine: line,
    startCharacter: 0,
    endLine: line + 2,
    endCharacter: 1,
    code,
    hash: symbolHash(code, 'typescript'),
  };
}

function result(customId: string, over: Partial<BatchItemResult> = {}): BatchItemResult {
  return {
    customId,
    line: 0,
    state: 'succeeded',
    text: `about ${customId}`,
    model: 'm',
    usage: null,
    costUsd: 0,
    stopReason: null,
    errorCode: null,
    errorMessage: null,
    requestId: `b:${customId}`,
    ...over,
  };
}

describe('explain-all batches', () => {
  const targets = [target('parse', 3, 'function parse() {}'), target('Lexer', 10, 'class Lexer {}')];

  it('sends each symbol as the same request a single explanation makes, under its own id, in lines the daemon accepts', () => {
    const { lines, byId } = explainBatchLines(targets, 'typescript');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    const { custom_id: id, ...request } = first;
    expect(request).toEqual(explainRequest('function parse() {}', 'typescript'));
    expect(byId[id as string]).toBe(targets[0]);
    expect(new Set(lines.map((l) => (JSON.parse(l) as { custom_id: string }).custom_id)).size).toBe(2);
    // The daemon's own validation takes them as they are.
    const parsed = parseBatchLines({ lines, provider: 'anthropic' }, configSchema.parse({}), {});
    expect(parsed.entries.map((e) => e.customId)).toEqual(Object.keys(byId));
    expect(parsed.entries[0]!.feature).toBe('explain');
  });

  it('matches results to symbols by id whatever their order, and keeps failures with their reason', () => {
    const { byId } = explainBatchLines(targets, 'typescript');
    const [a, b] = Object.keys(byId);
    const pending: PendingExplainBatch = {
      jobId: 'batch_1',
      uri: 'file:///x.ts',
      languageId: 'typescript',
      submittedAt: 0,
      targets: byId,
    };
    const matched = matchExplanations(pending, [
      result(b!, { state: 'errored', text: null, errorCode: 'invalid_request', errorMessage: 'too long' }),
      result('stranger'),
      result(a!),
    ]);
    expect(matched).toEqual([
      { customId: b, target: targets[1], ok: false, message: 'too long' },
      { customId: a, target: targets[0], ok: true, text: `about ${a}`, model: 'm' },
    ]);
  });

  it('inParallel runs everything, never more than the limit at once', async () => {
    let active = 0;
    let peak = 0;
    const seen: number[] = [];
    await inParallel([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(n);
      active--;
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });
});
