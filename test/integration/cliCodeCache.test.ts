import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { collect, ONE_PROVIDER, repoRoot, TIMEOUT_SCALE, useDaemonAndFake } from './harness';

/**
 * The real CLI's code cache (CONDUIT_HOME/cache/code) against a running daemon: whatever state
 * the cache is in, `conduit ask` answers and prints nothing of it.
 */
describe("the CLI's code cache", () => {
  const env = useDaemonAndFake({ env: ONE_PROVIDER });
  const codeDir = () => path.join(env.h.home, 'cache', 'code');
  const cacheFiles = () => (fs.existsSync(codeDir()) ? fs.readdirSync(codeDir()).sort() : []);
  const ask = async (prompt: string, cli?: string) => {
    env.fake.enqueue('openai', { text: `answer to ${prompt}` });
    const args = ['ask', '--provider', 'openai', '--model', 'gpt-test', '--no-stream', prompt];
    const r = cli
      ? await collect(
          spawn(process.execPath, [cli, ...args], { env: env.h.env, stdio: ['ignore', 'pipe', 'pipe'] }),
          60_000 * TIMEOUT_SCALE,
        )
      : await env.h.cli(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`answer to ${prompt}`);
    expect(r.stderr).toBe('');
  };

  it('is not written by an ask that starts the daemon: the asks after it never run that code', async () => {
    await ask('starts the daemon');
    expect(cacheFiles()).toEqual([]);
    // The same run with a daemon listening does write it: the check can fail.
    await ask('warm');
    expect(cacheFiles()).toHaveLength(1);
    fs.rmSync(codeDir(), { recursive: true });
  });

  it("asks have a cache of their own; other commands share the bundle's", async () => {
    const r = await env.h.cli(['--version']);
    expect(r.code, r.stderr).toBe(0);
    expect(cacheFiles()).toEqual([expect.stringMatching(/^cliMain-[0-9a-f]{8}-\d+-.+\.bin$/)]);
    await ask('own cache');
    expect(cacheFiles()).toHaveLength(2);
    expect(cacheFiles().filter((f) => f.startsWith('cliMain.ask-'))).toHaveLength(1);
    fs.rmSync(codeDir(), { recursive: true });
  });

  it('is written by the first run and read, not rewritten, by the next', async () => {
    await ask('one');
    const [file] = cacheFiles();
    expect(file).toMatch(/^cliMain\.ask-[0-9a-f]{8}-\d+-.+\.bin$/);
    const first = fs.statSync(path.join(codeDir(), file!));
    const bytes = fs.readFileSync(path.join(codeDir(), file!));
    await ask('two');
    expect(cacheFiles()).toEqual([file]);
    const second = fs.statSync(path.join(codeDir(), file!));
    expect(second.ino).toBe(first.ino);
    expect(fs.readFileSync(path.join(codeDir(), file!)).equals(bytes)).toBe(true);
  });

  it('a damaged cache file is not run: the CLI answers and writes it anew', async () => {
    await ask('before damage');
    const [file] = cacheFiles();
    const p = path.join(codeDir(), file!);
    const good = fs.readFileSync(p);
    const damaged = Buffer.from(good);
    for (let i = 64; i < damaged.length; i += 97) damaged[i]! ^= 0x5a;
    fs.writeFileSync(p, damaged);
    await ask('with damage');
    expect(cacheFiles()).toEqual([file]);
    const rewritten = fs.readFileSync(p);
    expect(rewritten.equals(damaged)).toBe(false);
    expect(rewritten.readUInt32LE(0)).toBe(good.readUInt32LE(0));
  });

  it('a cache that cannot be written (its folder cannot be made) is skipped without a word', async () => {
    fs.rmSync(path.join(env.h.home, 'cache'), { recursive: true, force: true });
    fs.writeFileSync(path.join(env.h.home, 'cache'), 'in the way');
    try {
      await ask('no cache');
      await ask('still no cache');
    } finally {
      fs.rmSync(path.join(env.h.home, 'cache'), { force: true });
    }
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)(
    'a read-only cache folder is skipped without a word',
    async () => {
      await ask('writable');
      for (const f of cacheFiles()) fs.rmSync(path.join(codeDir(), f));
      fs.chmodSync(codeDir(), 0o500);
      try {
        await ask('read-only');
        expect(cacheFiles()).toEqual([]);
      } finally {
        fs.chmodSync(codeDir(), 0o700);
      }
    },
  );

  it("another build of the CLI gets its own cache and replaces this runtime's old one", async () => {
    await ask('this build');
    const [old] = cacheFiles();
    // The same build with one more line: another content, so another cache.
    const dist = fs.mkdtempSync(path.join(repoRoot, 'dist', 'other-build-'));
    try {
      for (const f of ['cli.js', 'cliMain.js', 'cliZod.js', 'daemon.js'])
        fs.copyFileSync(path.join(repoRoot, 'dist', f), path.join(dist, f));
      fs.appendFileSync(path.join(dist, 'cliMain.js'), '\n// another build\n');
      await ask('the other build', path.join(dist, 'cli.js'));
      const now = cacheFiles();
      expect(now).toHaveLength(1);
      expect(now[0]).not.toBe(old);
      await ask('the other build again', path.join(dist, 'cli.js'));
      expect(cacheFiles()).toEqual(now);
    } finally {
      fs.rmSync(dist, { recursive: true, force: true });
    }
  });
});
