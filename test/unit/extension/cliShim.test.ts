import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addToUserPathCommand,
  cmdShim,
  planShim,
  refreshShim,
  SHIM_MARKER,
  ShimConflictError,
  writeShim,
} from '../../../extension/cliShim';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-shim-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('the conduit CLI shim', () => {
  it('Linux/macOS: ~/.local/bin, and says when it is not on PATH', () => {
    const plan = planShim({
      platform: 'darwin',
      env: { PATH: '/usr/bin:/bin' },
      homedir: '/Users/zoë',
      execPath: '/Applications/Visual Studio Code.app/Contents/MacOS/Electron',
      cliJs: '/x/dist/cli.js',
      writable: () => false,
    });
    expect(plan).toMatchObject({ dir: '/Users/zoë/.local/bin', file: '/Users/zoë/.local/bin/conduit', onPath: false });
    expect(plan.content).toContain(
      `ELECTRON_RUN_AS_NODE=1 exec '/Applications/Visual Studio Code.app/Contents/MacOS/Electron' '/x/dist/cli.js' "$@"`,
    );
  });

  it('uses /usr/local/bin when only it is on PATH and writable', () => {
    const plan = planShim({
      platform: 'linux',
      env: { PATH: '/usr/local/bin:/usr/bin' },
      homedir: '/home/u',
      execPath: '/e',
      cliJs: '/c',
      writable: (d) => d === '/usr/local/bin',
    });
    expect(plan).toMatchObject({ file: '/usr/local/bin/conduit', onPath: true });
  });

  it('Windows: conduit.cmd under LOCALAPPDATA, CRLF, ELECTRON_RUN_AS_NODE, arguments passed on', () => {
    const plan = planShim({
      platform: 'win32',
      env: {
        Path: 'C:\\Windows;C:\\Users\\Zoë\\AppData\\Local\\Programs\\Conduit\\bin\\',
        LOCALAPPDATA: 'C:\\Users\\Zoë\\AppData\\Local',
      },
      homedir: 'C:\\Users\\Zoë',
      execPath: 'C:\\Program Files\\Microsoft VS Code\\Code.exe',
      cliJs: 'C:\\Users\\Zoë\\.vscode\\extensions\\conduit\\dist\\cli.js',
    });
    expect(plan.file).toBe('C:\\Users\\Zoë\\AppData\\Local\\Programs\\Conduit\\bin\\conduit.cmd');
    expect(plan.onPath).toBe(true);
    expect(plan.content).toMatch(/^@echo off\r\n/);
    expect(plan.content).toContain('set ELECTRON_RUN_AS_NODE=1\r\n');
    // A non-ASCII path runs under UTF-8 and the caller's code page comes back.
    expect(plan.content).toContain(
      'chcp 65001 >nul\r\n"C:\\Program Files\\Microsoft VS Code\\Code.exe" "C:\\Users\\Zoë\\.vscode\\extensions\\conduit\\dist\\cli.js" %*\r\n',
    );
    expect(plan.content).toContain('exit /b %CONDUIT_RC%');
  });

  it('Windows: an ASCII path needs no code page change; % stays literal', () => {
    const c = cmdShim('C:\\VS Code\\Code.exe', 'C:\\100%\\cli.js');
    expect(c).not.toContain('chcp');
    expect(c).toContain('"C:\\VS Code\\Code.exe" "C:\\100%%\\cli.js" %*');
  });

  it('Windows PATH: PowerShell without a shell, the folder passed in the environment, not in the script', () => {
    const cmd = addToUserPathCommand('C:\\a b\\bin', { SystemRoot: 'C:\\Windows' });
    expect(cmd.file).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(cmd.args.join(' ')).not.toContain('a b');
    expect(cmd.env.CONDUIT_BIN_DIR).toBe('C:\\a b\\bin');
  });

  it('the sh shim runs the CLI with the runtime given, through a path with spaces, quotes and non-ASCII letters', () => {
    const dir = path.join(root, "it's a dïr");
    fs.mkdirSync(dir);
    const cli = path.join(dir, 'cli.js');
    fs.writeFileSync(
      cli,
      'console.log(JSON.stringify({ args: process.argv.slice(2), asNode: process.env.ELECTRON_RUN_AS_NODE }))',
    );
    const plan = planShim({
      platform: 'linux',
      env: { PATH: '' },
      homedir: dir,
      execPath: process.execPath,
      cliJs: cli,
      writable: () => false,
    });
    writeShim(plan);
    const out = execFileSync(plan.file, ['status', 'two words'], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ args: ['status', 'two words'], asNode: '1' });
  });

  it('never replaces a conduit it did not install; refreshes its own after an update', () => {
    const dir = path.join(root, 'bin');
    fs.mkdirSync(dir);
    const theirs = {
      dir,
      file: path.join(dir, 'conduit'),
      content: `#!/bin/sh\n# ${SHIM_MARKER}\nnew\n`,
      onPath: true,
    };
    fs.writeFileSync(theirs.file, '#!/bin/sh\nnpm-installed\n');
    expect(() => writeShim(theirs)).toThrow(ShimConflictError);
    expect(refreshShim(theirs)).toBe(false);
    fs.writeFileSync(theirs.file, `#!/bin/sh\n# ${SHIM_MARKER}\nold\n`);
    expect(refreshShim(theirs)).toBe(true);
    expect(fs.readFileSync(theirs.file, 'utf8')).toBe(theirs.content);
    expect(refreshShim(theirs)).toBe(false);
  });
});
