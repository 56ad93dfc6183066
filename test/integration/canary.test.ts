import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useDaemonAndFake } from './harness';

const CANARY = 'sk-ant-api03-CANARY-FAKE-do-not-leak-000000000000';

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

describe('a canary key never leaves the daemon', () => {
  const env = useDaemonAndFake({
    env: { ANTHROPIC_API_KEY: CANARY },
    config: { logLevel: 'debug', resilience: { baseDelayMs: 10, maxDelayMs: 20 } },
    resetEachTest: false,
  });

  it('is absent from every output, log line and database page after success, 401, retries, streams and queued work', async () => {
    const outputs: string[] = [];
    const run = async (args: string[]) => {
      const r = await env.h.cli(args);
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    env.fake.enqueue('anthropic', { text: 'fine' });
    expect((await run(['ask', '--provider', 'anthropic', '--json', 'hello'])).code).toBe(0);
    // Providers echo the key they were given in their 401 message.
    env.fake.enqueue('anthropic', { status: 401, error: { message: `invalid x-api-key: ${CANARY}` } });
    expect((await run(['ask', '--provider', 'anthropic', 'hello'])).code).toBe(1);
    env.fake.enqueue(
      'anthropic',
      { status: 429, headers: { 'retry-after': '0' }, error: { message: `rate limited for key ${CANARY}` } },
      { text: 'after retry' },
    );
    expect((await run(['ask', '--provider', 'anthropic', '--json', 'again'])).code).toBe(0);
    env.fake.enqueue('anthropic', {
      deltas: ['a', 'b'],
      fault: { kind: 'sseError', afterDeltas: 1, error: { message: `stream broke for ${CANARY}` } },
    });
    await run(['ask', '--provider', 'anthropic', 'stream']);
    env.fake.setDefault('anthropic', { status: 503, error: { message: `down (key ${CANARY})` } });
    await run(['ask', '--provider', 'anthropic', '--background', 'later']);
    outputs.push((await run(['status', '--json'])).stdout);
    outputs.push((await run(['usage', '--json'])).stdout);
    outputs.push((await run(['jobs', '--json'])).stdout);
    outputs.push((await run(['logs', '--lines', '500'])).stdout);

    expect(env.fake.requestsFor('anthropic').every((r) => r.apiKey === CANARY)).toBe(true);
    for (const out of outputs) expect(out).not.toContain(CANARY);
    const files = filesUnder(env.h.home).filter((f) => !f.endsWith('daemon.sock'));
    expect(files.some((f) => f.endsWith('usage.db'))).toBe(true);
    for (const f of files) {
      expect(fs.readFileSync(f).includes(Buffer.from(CANARY)), f).toBe(false);
    }
  });
});
