import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ensurePrivateDir } from '../../../../daemon/home/conduitHome';
import { ACL_MARKER, ownerOnlyAclCommand, restrictToOwner, type AclCommand } from '../../../../daemon/home/windowsAcl';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-acl-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const realPlatform = Object.getOwnPropertyDescriptor(process, 'platform')!;
afterEach(() => Object.defineProperty(process, 'platform', realPlatform));

const env = { USERNAME: 'Zoë Müller', USERDOMAIN: 'WORKGROUP', SystemRoot: 'C:\\Windows' };

describe('owner-only CONDUIT_HOME on Windows', () => {
  it('icacls by its full path, inheritance removed, the user alone granted full control', () => {
    const dir = 'C:\\Users\\Zoë Müller\\AppData\\Local\\Conduit';
    expect(ownerOnlyAclCommand(dir, env)).toEqual({
      file: 'C:\\Windows\\System32\\icacls.exe',
      // One argument each: spaces and non-ASCII letters need no quoting without a shell.
      args: [dir, '/inheritance:r', '/grant:r', 'WORKGROUP\\Zoë Müller:(OI)(CI)F', '/Q'],
    });
  });

  it('without USERNAME it refuses, saying what to do', () => {
    expect(() => ownerOnlyAclCommand('C:\\x', {})).toThrow(/USERNAME is not set.*CONDUIT_HOME/);
  });

  it('runs once per folder: a marker stops the next start from spawning icacls again', () => {
    const dir = path.join(root, 'once');
    fs.mkdirSync(dir);
    const ran: AclCommand[] = [];
    expect(restrictToOwner(dir, env, (c) => ran.push(c))).toBe(true);
    expect(restrictToOwner(dir, env, (c) => ran.push(c))).toBe(false);
    expect(ran).toHaveLength(1);
    expect(fs.existsSync(path.join(dir, ACL_MARKER))).toBe(true);
  });

  it('a failed icacls is an error naming the folder, and leaves no marker', () => {
    const dir = path.join(root, 'fails');
    fs.mkdirSync(dir);
    const fail = () => {
      throw Object.assign(new Error('exit 5'), { stderr: Buffer.from('Access is denied.') });
    };
    expect(() => restrictToOwner(dir, env, fail)).toThrow(
      /Cannot make .*fails private to Zoë Müller \(icacls failed: Access is denied\.\)/,
    );
    expect(fs.existsSync(path.join(dir, ACL_MARKER))).toBe(false);
  });

  it('ensurePrivateDir takes the Windows branch when the platform is win32 (no chmod, the ACL call)', () => {
    Object.defineProperty(process, 'platform', { value: 'win32' });
    const dir = path.join(root, 'home with spaces é');
    // The real icacls does not exist here: the call fails, and that failure proves the branch ran.
    expect(() => ensurePrivateDir(dir)).toThrow(/Cannot make .*home with spaces é private/);
    expect(fs.statSync(dir).isDirectory()).toBe(true);
  });
});
