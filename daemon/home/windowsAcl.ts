import * as fs from 'node:fs';
import * as path from 'node:path';

/** A program and its arguments, run without a shell (a path with spaces or quotes stays one argument). */
export interface AclCommand {
  file: string;
  args: string[];
}

export type RunCommand = (cmd: AclCommand) => void;

/** Written once the ACL is set, so every CLI start does not spawn icacls again. */
export const ACL_MARKER = '.owner-only';

/**
 * The icacls call that makes `dir` private to the current Windows user: inherited entries are
 * removed (/inheritance:r), and the user alone is granted full control, passed on to the files
 * and folders inside ((OI)(CI)F). chmod does nothing on Windows, so this is what keeps the token
 * and the ledger from other accounts on the machine. icacls is called by its full path in System32,
 * so a folder on PATH cannot stand in for it.
 */
export function ownerOnlyAclCommand(dir: string, env: NodeJS.ProcessEnv = process.env): AclCommand {
  const user = env.USERNAME;
  if (!user)
    throw new Error(`Cannot make ${dir} private: USERNAME is not set. Set CONDUIT_HOME to a folder only you can read.`);
  const account = env.USERDOMAIN ? `${env.USERDOMAIN}\\${user}` : user;
  const system32 = path.win32.join(env.SystemRoot ?? env.windir ?? 'C:\\Windows', 'System32');
  return {
    file: path.win32.join(system32, 'icacls.exe'),
    args: [dir, '/inheritance:r', '/grant:r', `${account}:(OI)(CI)F`, '/Q'],
  };
}

// child_process (and dgram, which it loads) only when icacls runs: every CLI start reaches this
// module, and only a first start on Windows needs it.
const runIcacls: RunCommand = (cmd) => {
  process
    .getBuiltinModule('node:child_process')
    .execFileSync(cmd.file, cmd.args, { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true, shell: false });
};

/**
 * Windows' half of ensurePrivateDir(): sets the owner-only ACL on `dir` the first time, then
 * leaves a marker. A failure names the folder and what to do; it never leaves the folder open
 * without saying so.
 */
export function restrictToOwner(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
  run: RunCommand = runIcacls,
): boolean {
  const marker = path.join(dir, ACL_MARKER);
  if (fs.existsSync(marker)) return false;
  const cmd = ownerOnlyAclCommand(dir, env);
  try {
    run(cmd);
  } catch (err) {
    const detail =
      (err as { stderr?: Buffer }).stderr?.toString().trim() || (err instanceof Error ? err.message : String(err));
    throw new Error(
      `Cannot make ${dir} private to ${env.USERNAME} (icacls failed: ${detail}). ` +
        'Check that you own the folder, or set CONDUIT_HOME to a folder only you can read.',
      { cause: err },
    );
  }
  fs.writeFileSync(marker, '');
  return true;
}
