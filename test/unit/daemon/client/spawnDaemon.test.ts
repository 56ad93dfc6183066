import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAEMON_V8_FLAGS } from '../../../../daemon/client/daemonRuntime';
import { spawnDaemon } from '../../../../daemon/client/spawnDaemon';
import { START_PROVIDER_ENV } from '../../../../daemon/server/startSignal';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit spawn é-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('spawnDaemon', () => {
  it('starts the daemon detached, without a shell, from a path with spaces and non-ASCII letters, stderr to the log', async () => {
    const script = path.join(dir, 'fake daemon é.js');
    const out = path.join(dir, 'out.json');
    // The child reports what it was given, then says so on stderr (which must reach the log file).
    fs.writeFileSync(
      script,
      `require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({ argv: process.argv.slice(1), asNode: process.env.ELECTRON_RUN_AS_NODE ?? null, stdinIsTTY: !!process.stdin.isTTY }));
      process.stderr.write('started\\n');`,
    );
    const logs = path.join(dir, 'logs');
    const { pid } = spawnDaemon({ daemonScript: script, logsDir: logs, electronRunAsNode: true });
    expect(pid).toBeGreaterThan(0);
    const stderrLog = path.join(logs, 'daemon-stderr.log');
    await expect
      .poll(() => fs.existsSync(stderrLog) && fs.readFileSync(stderrLog, 'utf8'), { timeout: 20_000 })
      .toBe('started\n');
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual({ argv: [script], asNode: '1', stdinIsTTY: false });
  });

  it("names the waiting request's provider to the daemon, never one from its own environment", async () => {
    const script = path.join(dir, 'hint.js');
    const out = path.join(dir, 'hint.json');
    fs.writeFileSync(
      script,
      // Written whole and then renamed: the test reads the file as soon as it is there.
      `const fs = require('fs'); fs.writeFileSync(${JSON.stringify(out + '.tmp')}, JSON.stringify(process.env.${START_PROVIDER_ENV} ?? null)); fs.renameSync(${JSON.stringify(out + '.tmp')}, ${JSON.stringify(out)});`,
    );
    const inherited = { ...process.env, [START_PROVIDER_ENV]: 'gemini' };
    const read = async (file: string): Promise<unknown> => {
      await expect.poll(() => fs.existsSync(file), { timeout: 20_000 }).toBe(true);
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    };
    const withHint = spawnDaemon({
      daemonScript: script,
      logsDir: path.join(dir, 'logs3'),
      env: inherited,
      startProvider: 'openai',
    });
    expect(await read(out)).toBe('openai');
    await withHint.outcome;
    fs.rmSync(out);
    spawnDaemon({ daemonScript: script, logsDir: path.join(dir, 'logs3'), env: inherited });
    expect(await read(out)).toBeNull();
  });

  it("gives the daemon its V8 flags before the script, and glibc's malloc settings only on Linux", async () => {
    const script = path.join(dir, 'runtime.js');
    const out = path.join(dir, 'runtime.json');
    fs.writeFileSync(
      script,
      `require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({
        argv: process.argv.slice(1), execArgv: process.execArgv,
        arenas: process.env.MALLOC_ARENA_MAX ?? null, trim: process.env.MALLOC_TRIM_THRESHOLD_ ?? null }));`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.MALLOC_ARENA_MAX;
    delete env.MALLOC_TRIM_THRESHOLD_;
    delete env.NODE_OPTIONS;
    const run = async (platform: NodeJS.Platform): Promise<Record<string, unknown>> => {
      const started = spawnDaemon({ daemonScript: script, logsDir: path.join(dir, 'logs4'), env, platform });
      await started.outcome;
      const report = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, unknown>;
      fs.rmSync(out);
      return report;
    };
    const onLinux = await run('linux');
    expect(onLinux).toMatchObject({ argv: [script], execArgv: [...DAEMON_V8_FLAGS], arenas: '2', trim: '131072' });
    for (const platform of ['darwin', 'win32'] as const) {
      expect(await run(platform)).toMatchObject({ execArgv: [...DAEMON_V8_FLAGS], arenas: null, trim: null });
    }
  });

  it('starts again without its V8 flags when the runtime refuses one, and the refusal stays in the stderr log', async () => {
    const script = path.join(dir, 'flags.js');
    const out = path.join(dir, 'flags.json');
    fs.writeFileSync(
      script,
      `require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({ execArgv: process.execArgv }));`,
    );
    const logs = path.join(dir, 'logs5');
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_OPTIONS;
    // A flag no V8 knows stands for one that a later VS Code's runtime has dropped.
    const started = spawnDaemon({
      daemonScript: script,
      logsDir: logs,
      env,
      v8Flags: ['--max-semi-space-size=4', '--conduit-test-flag-no-v8-knows'],
    });
    expect(await started.outcome).toBe('exited');
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual({ execArgv: [] });
    expect(fs.readFileSync(path.join(logs, 'daemon-stderr.log'), 'utf8')).toMatch(
      /bad option: --conduit-test-flag-no-v8-knows/,
    );
    // Flags it knows are kept: no second start.
    fs.rmSync(out);
    const known = spawnDaemon({ daemonScript: script, logsDir: logs, env, v8Flags: ['--max-semi-space-size=4'] });
    expect(await known.outcome).toBe('exited');
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual({ execArgv: ['--max-semi-space-size=4'] });
  });

  if (process.platform === 'linux') {
    it('on Linux the child leads a session of its own (detached), so closing the window does not end it', async () => {
      const script = path.join(dir, 'sleeper.js');
      fs.writeFileSync(script, 'setTimeout(() => {}, 30_000);');
      const pid = spawnDaemon({ daemonScript: script, logsDir: path.join(dir, 'logs2') }).pid!;
      try {
        // /proc/PID/stat: field 6 is the session id; a detached child is its own session leader.
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        expect(Number(fields[3])).toBe(pid);
      } finally {
        process.kill(pid, 'SIGKILL');
      }
    });
  }
});
