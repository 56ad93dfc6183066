import { describe, expect, it } from 'vitest';
import { ChatChunkNotification, type ToolCallDelta } from '../../../../protocol';
import { chunkBodies } from '../../../../daemon/server/chunkFrame';

/** What vscode-jsonrpc's sendNotification writes for the same chunk. */
const stock = (requestId: string, seq: number, delta: string, toolCall?: ToolCallDelta) =>
  JSON.stringify({
    jsonrpc: '2.0',
    method: ChatChunkNotification.method,
    params: { requestId, seq, delta, ...(toolCall ? { toolCall } : {}) },
  });

describe('chunkBodies', () => {
  it('writes the same bytes as the stock notification, for text that needs escaping', () => {
    const requestId = 'req-"quoted"\\-東京';
    const body = chunkBodies(requestId);
    const deltas = [
      'plain ',
      '',
      'a "quote" and \\ and\nnew line\t',
      '東京 👩‍👩‍👧‍👦',
      'lone \ud800 surrogate',
      '\u0000\u001f',
    ];
    deltas.forEach((delta, seq) => expect(body(delta, seq)).toBe(stock(requestId, seq, delta)));
  });

  it('carries a tool-call piece the way the stock notification does', () => {
    const body = chunkBodies('r1');
    const toolCall: ToolCallDelta = { index: 0, id: 'call_1', name: 'get_weather', argumentsDelta: '{"city":"Pa' };
    expect(body('', 7, toolCall)).toBe(stock('r1', 7, '', toolCall));
    expect(JSON.parse(body('', 7, toolCall))).toEqual({
      jsonrpc: '2.0',
      method: 'chat/chunk',
      params: { requestId: 'r1', seq: 7, delta: '', toolCall },
    });
  });
});
