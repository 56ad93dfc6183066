import { describe, expect, it } from 'vitest';
import { classifyLoadError, describeNativeFailure, vsixTarget } from '../../../../daemon/platform/nativeModule';

describe('native module failures', () => {
  it.each([
    ['/x/keyring.node: invalid ELF header', 'wrong platform'],
    [
      'dlopen(/x/usearch.node, 0x0001): tried: ... (mach-o file, but is an incompatible architecture (have (x86_64), need (arm64)))',
      'wrong platform',
    ],
    ['\\\\?\\C:\\x\\sqlite.node is not a valid Win32 application.', 'wrong platform'],
    [
      'No native build was found for platform=linux arch=x64 runtime=node abi=115 uv=1 libc=glibc node=20.20.2',
      'missing file',
    ],
    ['Cannot find native binding. npm has a bug related to optional dependencies', 'missing file'],
    [
      'The module was compiled against a different Node.js version using NODE_MODULE_VERSION 108. This version requires NODE_MODULE_VERSION 115.',
      'ABI mismatch',
    ],
    ['something else entirely', 'load failed'],
  ])('%s -> %s', (detail, reason) => {
    expect(classifyLoadError(detail)).toBe(reason);
  });

  it('names the module, the platform, the VSIX to install and what stops working', () => {
    const f = describeNativeFailure('@photostructure/sqlite', 'invalid ELF header', {
      platform: 'win32',
      arch: 'arm64',
    });
    expect(f).toMatchObject({ module: '@photostructure/sqlite', platform: 'win32-arm64', reason: 'wrong platform' });
    expect(f.message).toContain('conduit-win32-arm64.vsix');
    expect(f.message).toContain('usage ledger');
  });

  it('Alpine gets the alpine package named', () => {
    expect(vsixTarget({ platform: 'linux', arch: 'x64', musl: true })).toBe('alpine-x64');
    expect(vsixTarget({ platform: 'linux', arch: 'arm64', musl: false })).toBe('linux-arm64');
  });

  it('usearch where it is not built (Windows, musl) is a fact, not a broken install', () => {
    for (const where of [
      { platform: 'win32' as const, arch: 'x64' },
      { platform: 'linux' as const, arch: 'x64', musl: true },
    ]) {
      const f = describeNativeFailure('usearch', 'Cannot find module', where);
      expect(f.reason).toBe('not built for this platform');
      expect(f.message).toContain('brute force');
      expect(f.message).not.toContain('uninstall');
    }
    expect(describeNativeFailure('usearch', 'invalid ELF header', { platform: 'darwin', arch: 'arm64' }).reason).toBe(
      'wrong platform',
    );
  });
});

describe('native module failures in the npm package', () => {
  const npm = { platform: 'linux' as const, arch: 'x64', musl: false, install: 'npm' as const };

  it('a missing usearch is the optional install, with its command, not a broken package', () => {
    const f = describeNativeFailure('usearch', "Cannot find module 'usearch'", npm);
    expect(f.reason).toBe('not installed');
    expect(f.message).toContain('npm install -g usearch@2.25.3');
    expect(f.message).not.toContain('.vsix');
  });

  it('a broken SQLite binary says to install the npm package again, not a VSIX', () => {
    const f = describeNativeFailure('@photostructure/sqlite', 'invalid ELF header', npm);
    expect(f.reason).toBe('wrong platform');
    expect(f.message).toContain('npm install -g');
    expect(f.message).toContain('linux-x64');
    expect(f.message).not.toContain('.vsix');
  });

  it('usearch on Windows stays a fact about the platform under npm too', () => {
    const f = describeNativeFailure('usearch', 'Cannot find module', {
      platform: 'win32',
      arch: 'x64',
      install: 'npm',
    });
    expect(f.reason).toBe('not built for this platform');
    expect(f.message).not.toContain('npm install');
  });
});
