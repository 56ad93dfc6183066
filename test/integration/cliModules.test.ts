import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, collect, ONE_PROVIDER, TIMEOUT_SCALE, useDaemonAndFake } from './harness';

/**
 * What Node loads for a warm `conduit ask` (the real dist/cli.js, a running daemon): the built-in
 * modules it needs only on some paths (crypto for a new token or a long socket path,
 * child_process for starting a daemon or icacls) must stay unloaded, or every ask pays for them.
 */
describe('a warm conduit ask', () => {
  const env = useDaemonAndFake({ env: ONE_PROVIDER });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-cli-modules-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  // Preloaded with -r: writes what Node loaded, at exit, to the file the test names.
  const preload = path.join(dir, 'listModules.js');
  fs.writeFileSync(
    preload,
    "process.on('exit', () =>\n" +
      "  require('fs').writeFileSync(process.env.MODULES_OUT, process.moduleLoadList.join('\\n')));\n",
  );

  const ask = async (out: string) => {
    env.fake.enqueue('openai', { text: 'answer' });
    const args = ['-r', preload, cliPath, 'ask', '--provider', 'openai', '--model', 'gpt-test', '--no-stream', 'hi'];
    const child = spawn(process.execPath, args, {
      env: { ...env.h.env, MODULES_OUT: out },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r = await collect(child, 60_000 * TIMEOUT_SCALE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('answer');
    return fs.readFileSync(out, 'utf8').split('\n');
  };

  it('loads neither crypto nor child_process nor dgram', async () => {
    // The first ask may start the daemon and make the token: that one needs them.
    await ask(path.join(dir, 'first.txt'));
    const loaded = await ask(path.join(dir, 'warm.txt'));
    // The list is the real one: the ask did connect over a socket.
    expect(loaded).toContain('NativeModule net');
    const unwanted = ['crypto', 'child_process', 'dgram'].map((m) => `NativeModule ${m}`);
    expect(loaded.filter((m) => unwanted.includes(m))).toEqual([]);
  });
});
