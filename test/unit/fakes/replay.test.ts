import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeProviderServer } from '../../fakes/fakeProvider';
import { parseSse } from '../../fakes/parseSse';
import { anthropicTranscript, hasRealTranscripts, skipReason } from '../../fakes/realTranscripts';

let fake: FakeProviderServer;
beforeAll(async () => {
  fake = await FakeProviderServer.start();
});
afterAll(async () => {
  await fake.stop();
});

describe.skipIf(!hasRealTranscripts)(
  `replaying real transcripts${hasRealTranscripts ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    it('serves anthropic/basic_response.txt byte for byte, event by event', async () => {
      const recorded = anthropicTranscript('basic_response.txt');
      fake.enqueue('anthropic', { rawBody: recorded, chunkDelayMs: 2 });
      const res = await fetch(`${fake.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': 'k', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude-opus-4-8', max_tokens: 10, messages: [], stream: true }),
      });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const body = await res.text();
      expect(body).toBe(recorded);
      expect(parseSse(body).map((e) => e.event)).toContain('ping');
    });

    it('still applies faults to a recorded body', async () => {
      fake.enqueue('anthropic', {
        rawBody: anthropicTranscript('basic_response.txt'),
        fault: { kind: 'truncate', afterDeltas: 4 },
      });
      const res = await fetch(`${fake.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': 'k' },
        body: JSON.stringify({ stream: true }),
      });
      expect(parseSse(await res.text()).map((e) => e.event)).toEqual([
        'message_start',
        'content_block_start',
        'ping',
        'content_block_delta',
      ]);
    });
  },
);
