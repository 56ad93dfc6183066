import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The `conduit` command a user gets from "Conduit: Install Command Line Tool": a small script on
 * PATH that runs the extension's bundled CLI (dist/cli.js) with VS Code's own runtime, the way
 * VS Code installs `code`. No vscode import here, so the unit tests run it for every platform.
 */
export interface ShimInputs {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  homedir: string;
  /** VS Code's runtime (process.execPath in the extension host), run as Node. */
  execPath: string;
  /** The extension's dist/cli.js. */
  cliJs: string;
  /** Whether a folder can be written (a probe, replaced in tests). */
  writable?: (dir: string) => boolean;
}

export interface ShimPlan {
  dir: string;
  file: string;
  content: string;
  /** The folder is already on PATH: `conduit` works in a new terminal. */
  onPath: boolean;
}

/** Marks a file as ours, so a reinstall or an extension update may replace it and nothing else. */
export const SHIM_MARKER = 'Installed by Conduit: Install Command Line Tool';

export function planShim(i: ShimInputs): ShimPlan {
  const pathDirs = (i.env.PATH ?? i.env.Path ?? '').split(i.platform === 'win32' ? ';' : ':').filter(Boolean);
  const norm = (d: string) =>
    i.platform === 'win32'
      ? path.win32.normalize(d).toLowerCase().replace(/\\$/, '')
      : path.posix.normalize(d).replace(/\/$/, '');
  const onPath = (d: string) => pathDirs.some((p) => norm(p) === norm(d));
  if (i.platform === 'win32') {
    const local = i.env.LOCALAPPDATA ?? path.win32.join(i.homedir, 'AppData', 'Local');
    const dir = path.win32.join(local, 'Programs', 'Conduit', 'bin');
    return {
      dir,
      file: path.win32.join(dir, 'conduit.cmd'),
      content: cmdShim(i.execPath, i.cliJs),
      onPath: onPath(dir),
    };
  }
  const writable = i.writable ?? isWritable;
  const userBin = path.posix.join(i.homedir, '.local', 'bin');
  // ~/.local/bin needs no privileges; /usr/local/bin only when it is on PATH and ~/.local/bin is not.
  const dir = !onPath(userBin) && onPath('/usr/local/bin') && writable('/usr/local/bin') ? '/usr/local/bin' : userBin;
  return { dir, file: path.posix.join(dir, 'conduit'), content: shShim(i.execPath, i.cliJs), onPath: onPath(dir) };
}

/** POSIX sh: single quotes keep spaces, $ and non-ASCII letters literal; a ' becomes '\''. */
export function shShim(execPath: string, cliJs: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh\n# ${SHIM_MARKER}. Runs Conduit's CLI with VS Code's runtime.\nELECTRON_RUN_AS_NODE=1 exec ${q(execPath)} ${q(cliJs)} "$@"\n`;
}

/**
 * cmd.exe: reads a .cmd file in the console's code page, so a path with non-ASCII letters is
 * run under UTF-8 (65001) and the caller's code page is restored after. % doubles to stay literal.
 */
export function cmdShim(execPath: string, cliJs: string): string {
  const q = (s: string) => `"${s.replace(/%/g, '%%')}"`;
  const ascii = /^[\x20-\x7e]*$/.test(execPath + cliJs);
  const lines = [
    '@echo off',
    `rem ${SHIM_MARKER}. Runs Conduit's CLI with VS Code's runtime.`,
    'setlocal',
    'set ELECTRON_RUN_AS_NODE=1',
  ];
  if (ascii) {
    lines.push(`${q(execPath)} ${q(cliJs)} %*`);
  } else {
    lines.push(
      'for /f "tokens=2 delims=:." %%a in (\'chcp\') do set CONDUIT_CP=%%a',
      'chcp 65001 >nul',
      `${q(execPath)} ${q(cliJs)} %*`,
      'set CONDUIT_RC=%ERRORLEVEL%',
      'chcp %CONDUIT_CP% >nul',
      'exit /b %CONDUIT_RC%',
    );
  }
  return lines.join('\r\n') + '\r\n';
}

export class ShimConflictError extends Error {
  override name = 'ShimConflictError';
}

/** Writes the shim; refuses to replace a `conduit` that is not ours (the npm package's, say). */
export function writeShim(plan: ShimPlan): void {
  fs.mkdirSync(plan.dir, { recursive: true });
  if (fs.existsSync(plan.file) && !fs.readFileSync(plan.file, 'utf8').includes(SHIM_MARKER)) {
    throw new ShimConflictError(
      `${plan.file} exists and was not installed by Conduit; remove it first, or keep using it.`,
    );
  }
  const utf8 = plan.file.endsWith('.cmd') ? Buffer.from(plan.content, 'utf8') : plan.content;
  fs.writeFileSync(plan.file, utf8, { mode: 0o755 });
}

/**
 * After an update the extension lives in a new folder: a shim we installed is pointed at it.
 * Returns true when the shim was rewritten.
 */
export function refreshShim(plan: ShimPlan): boolean {
  if (!fs.existsSync(plan.file)) return false;
  const current = fs.readFileSync(plan.file, 'utf8');
  if (!current.includes(SHIM_MARKER) || current === plan.content) return false;
  fs.writeFileSync(plan.file, plan.content, { mode: 0o755 });
  return true;
}

/** The PowerShell call that appends `dir` to the user's PATH (never setx: it truncates at 1024 characters). */
export function addToUserPathCommand(
  dir: string,
  env: NodeJS.ProcessEnv,
): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  const system32 = path.win32.join(env.SystemRoot ?? 'C:\\Windows', 'System32');
  // The folder travels in an environment variable, never inside the script text.
  const script =
    "$d=$env:CONDUIT_BIN_DIR; $p=[Environment]::GetEnvironmentVariable('Path','User'); " +
    "if (-not $p) { $p='' }; if (($p -split ';') -notcontains $d) { " +
    "[Environment]::SetEnvironmentVariable('Path', ($(if ($p) { $p.TrimEnd(';') + ';' } else { '' }) + $d), 'User') }";
  return {
    file: path.win32.join(system32, 'WindowsPowerShell', 'v1.0', 'powershell.exe'),
    args: ['-NoProfile', '-NonInteractive', '-Command', script],
    env: { ...env, CONDUIT_BIN_DIR: dir },
  };
}

export function addToUserPath(dir: string, env: NodeJS.ProcessEnv = process.env): void {
  const cmd = addToUserPathCommand(dir, env);
  execFileSync(cmd.file, cmd.args, { env: cmd.env, stdio: 'ignore', windowsHide: true, shell: false });
}

function isWritable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
