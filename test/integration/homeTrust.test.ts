import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { cliPath, collect, DaemonHarness, type CliResult } from './harness';

function cliWithHome(d: DaemonHarness, home: string, args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: { ...d.env, CONDUIT_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, 20_000);
}

const posix = process.platform !== 'win32';
const isRoot = process.getuid?.() === 0;
const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe.skipIf(!posix)('CONDUIT_HOME trust, through the real CLI and daemon', () => {
  let fake: FakeProviderServer | undefined;
  let h: DaemonHarness | undefined;
  afterEach(async () => {
    await h?.dispose();
    await fake?.stop();
    h = undefined;
    fake = undefined;
  });

  async function harness(): Promise<DaemonHarness> {
    fake = await FakeProviderServer.start();
    h = new DaemonHarness(fake.url);
    return h;
  }

  it('creates the databases, their -wal and -shm, the token and the log 0600 even under umask 022', async () => {
    const d = await harness();
    fake!.enqueue('anthropic', { text: 'ok', usage: { input: 5, output: 2 } });
    const r = await d.cli(['ask', '--provider', 'anthropic', '--model', 'm', 'hello']);
    expect(r.code, r.stderr).toBe(0);
    for (const name of [
      'token',
      'usage.db',
      'usage.db-wal',
      'usage.db-shm',
      'queue.db',
      'queue.db-wal',
      'logs/daemon.log',
    ]) {
      const file = path.join(d.home, name);
      expect(fs.existsSync(file), name).toBe(true);
      expect(mode(file), name).toBe(0o600);
    }
    expect(mode(path.join(d.home, 'logs'))).toBe(0o700);
  });

  it('refuses a logs folder that links elsewhere: exit 6, the path named, nothing written there', async () => {
    const d = await harness();
    const theirs = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-theirs-'));
    try {
      fs.symlinkSync(theirs, path.join(d.home, 'logs'));
      const r = await d.cli(['status']);
      expect(r.code).toBe(6);
      expect(r.stderr).toContain(`home_unsafe: ${path.join(d.home, 'logs')} is a symbolic link`);
      expect(fs.readdirSync(theirs)).toEqual([]);
    } finally {
      fs.rmSync(theirs, { recursive: true, force: true });
    }
  });

  it('refuses a home that is a file or a dangling link with its path, not a raw EEXIST or ENOENT', async () => {
    const d = await harness();
    const file = path.join(d.home, 'file-home');
    fs.writeFileSync(file, '');
    let r = await cliWithHome(d, file, ['status']);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain(`${file} is not a folder`);
    const dangling = path.join(d.home, 'dangling-home');
    fs.symlinkSync(path.join(d.home, 'gone'), dangling);
    r = await cliWithHome(d, dangling, ['status']);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/dangling-home is a symbolic link to .*gone, which does not exist/);
  });

  it.skipIf(!isRoot)(
    'refuses another user\'s usage.db and run/ with the path (not "the daemon did not start")',
    async () => {
      const d = await harness();
      fs.writeFileSync(path.join(d.home, 'usage.db'), '');
      fs.chownSync(path.join(d.home, 'usage.db'), 65534, 65534);
      let r = await d.cli(['status']);
      expect(r.code).toBe(6);
      expect(r.stderr).toContain(`${path.join(d.home, 'usage.db')} belongs to another user (uid 65534)`);
      fs.rmSync(path.join(d.home, 'usage.db'));
      fs.mkdirSync(path.join(d.home, 'run'));
      fs.chownSync(path.join(d.home, 'run'), 65534, 65534);
      r = await d.cli(['ask', 'hi']);
      expect(r.code).toBe(6);
      expect(r.stderr).not.toMatch(/did not start/);
      expect(r.stderr).toContain(`${path.join(d.home, 'run')} belongs to another user`);
    },
  );
});
