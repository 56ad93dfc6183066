import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PNG_1PX } from '../fixtures/images';
import { useDaemonAndFake } from './harness';

/** Files named on the command line are checked before anything is read in full or sent. */
describe('the files the CLI reads', () => {
  const env = useDaemonAndFake();
  const file = (name: string, content: string | Buffer) => {
    const p = path.join(env.h.home, name);
    fs.writeFileSync(p, content);
    return p;
  };

  it.skipIf(process.platform === 'win32')('--image /dev/zero is refused at once instead of hanging', async () => {
    const r = await env.h.cli(['ask', '--provider', 'openai', '--image', '/dev/zero', 'what is this'], {
      timeoutMs: 15_000,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--image /dev/zero: is not a regular file');
  });

  it('a file holding only a PNG signature is refused and nothing is sent upstream', async () => {
    const sig = file('sig.png', Buffer.from(PNG_1PX, 'base64').subarray(0, 8));
    const r = await env.h.cli(['ask', '--provider', 'openai', '--image', sig, 'what is this']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no readable image header');
    expect(env.fake.requests).toHaveLength(0);
  });

  it('a folder as --schema, and a batch file over its cap, say what is wrong', async () => {
    const r = await env.h.cli(['ask', '--provider', 'openai', '--schema', env.h.home, 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is a folder');
    const schema = file('big.json', `{"pad":"${'x'.repeat(1_100_000)}"}`);
    const big = await env.h.cli(['ask', '--provider', 'openai', '--schema', schema, 'x']);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/is 1\.0 MB; the limit is 1\.0 MB|the limit is 1\.0 MB/);
  });

  it('a real image still goes through', async () => {
    const png = file('one.png', Buffer.from(PNG_1PX, 'base64'));
    env.fake.enqueue('openai', { text: 'a pixel' });
    const r = await env.h.cli(['ask', '--provider', 'openai', '--model', 'gpt-test', '--image', png, 'what is this']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('a pixel');
  });
});
