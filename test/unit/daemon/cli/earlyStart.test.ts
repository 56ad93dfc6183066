import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { providerHint, startEarly } from '../../../../daemon/cli/earlyStart';
import type { SpawnOptions, StartedDaemon } from '../../../../daemon/client/spawnDaemon';

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) fs.rmSync(h, { recursive: true, force: true });
});

function newHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cde-'));
  homes.push(home);
  return home;
}

/** Records each spawn instead of starting a process: these tests are about when the entry spawns. */
function recorder() {
  const calls: SpawnOptions[] = [];
  const spawn = (opts: SpawnOptions): StartedDaemon => {
    calls.push(opts);
    return { pid: 1, outcome: new Promise(() => undefined), release: () => undefined };
  };
  return { calls, spawn };
}

const run = (argv: string[], home: string, extra: { platform?: NodeJS.Platform } = {}) => {
  const r = recorder();
  const early = startEarly(argv, { daemonScript: '/d/daemon.js', home, spawn: r.spawn, ...extra });
  return { early, calls: r.calls };
};

describe('startEarly (the CLI entry starting the daemon for a cold ask)', () => {
  it('spawns once for `ask` when no socket is there, with the logs folder, the hint and an unref’d channel', () => {
    const home = newHome();
    const { early, calls } = run(['ask', '--provider', 'openai', 'hi'], home, { platform: 'linux' });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      daemonScript: '/d/daemon.js',
      logsDir: path.join(home, 'logs'),
      startProvider: 'openai',
      unrefChannel: true,
    });
    expect(early?.socketPath).toBe(path.join(home, 'run', 'daemon.sock'));
    // The same token DaemonClient.connect then reads: the entry made it, with the same checks.
    expect(fs.existsSync(path.join(home, 'token'))).toBe(true);
  });

  it('starts nothing when the socket file is there (a daemon that may answer: the CLI connects)', () => {
    const home = newHome();
    fs.mkdirSync(path.join(home, 'run'), { mode: 0o700 });
    fs.writeFileSync(path.join(home, 'run', 'daemon.sock'), '');
    expect(run(['ask', 'hi'], home, { platform: 'linux' }).calls).toEqual([]);
  });

  it('starts nothing for another command, for help, or on Windows (a named pipe has no file)', () => {
    const home = newHome();
    expect(run(['status'], home, { platform: 'linux' }).calls).toEqual([]);
    expect(run(['ask', '--help'], home, { platform: 'linux' }).calls).toEqual([]);
    expect(run(['ask', '-h'], home, { platform: 'linux' }).calls).toEqual([]);
    expect(run(['ask', 'hi'], home, { platform: 'win32' }).calls).toEqual([]);
    // After a bare `--`, `--help` is the prompt.
    expect(run(['ask', '--', '--help'], home, { platform: 'linux' }).calls).toHaveLength(1);
  });

  it.skipIf(process.platform === 'win32')('starts nothing, and throws nothing, when the home is unsafe', () => {
    const home = newHome();
    // A planted link: DaemonClient.connect refuses it with its own message and exit code (6).
    fs.symlinkSync(newHome(), path.join(home, 'logs'));
    const { early, calls } = run(['ask', 'hi'], home);
    expect(early).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('starts nothing, and throws nothing, when the spawn throws', () => {
    const home = newHome();
    const early = startEarly(['ask', 'hi'], {
      daemonScript: '/d/daemon.js',
      home,
      platform: 'linux',
      spawn: () => {
        throw new Error('EAGAIN');
      },
    });
    expect(early).toBeUndefined();
  });
});

describe('providerHint', () => {
  it('reads --provider X and --provider=X before `--`; `routed` without one; not a dry run, not an unknown one', () => {
    expect(providerHint(['--provider', 'gemini', 'hi'])).toBe('gemini');
    expect(providerHint(['--provider=anthropic', 'hi'])).toBe('anthropic');
    expect(providerHint(['hi'])).toBe('routed');
    expect(providerHint(['--provider', 'nope', 'hi'])).toBeUndefined();
    expect(providerHint(['--estimate', '--provider', 'openai', 'hi'])).toBeUndefined();
    expect(providerHint(['--', '--provider', 'openai'])).toBe('routed');
  });
});
