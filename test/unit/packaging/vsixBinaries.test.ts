import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedBinaries, TARGETS, type Target } from '../../../scripts/targets.mjs';
import { binaryFormat } from './binaryFormat';
import { readVsix } from './readVsix';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const vsixOf = (t: Target) => path.join(repoRoot, 'dist', `conduit-${t.id}.vsix`);
const contents = new Map<string, Map<string, Buffer>>();

/**
 * Checks the output of `npm run package:all`; a target whose VSIX is missing is packaged here
 * first (one JavaScript build, then vsce per target: about 30 s a target on two loaded cores).
 */
beforeAll(async () => {
  const missing = TARGETS.filter((t) => !fs.existsSync(vsixOf(t)));
  if (missing.length > 0) {
    // Packages the build that is there when there is one: a rebuild here would replace dist/
    // (its chunks included) under the daemons that integration tests start at the same time.
    const built = fs.existsSync(path.join(repoRoot, 'dist', 'daemon.mjs'));
    execFileSync(
      process.execPath,
      [path.join(repoRoot, 'scripts/package.mjs'), ...(built ? ['--no-build'] : []), '--target', missing[0]!.id],
      { cwd: repoRoot, stdio: 'pipe' },
    );
    for (const t of missing.slice(1)) {
      execFileSync(process.execPath, [path.join(repoRoot, 'scripts/package.mjs'), '--no-build', '--target', t.id], {
        cwd: repoRoot,
        stdio: 'pipe',
      });
    }
  }
  for (const t of TARGETS) contents.set(t.id, await readVsix(vsixOf(t)));
}, 900_000);

describe.each(TARGETS.map((t) => [t.id, t] as const))('the %s VSIX', (_id, target) => {
  it('carries every native module built for its own platform and nothing built for another', () => {
    const files = contents.get(target.id)!;
    const binaries = [...files].flatMap(([name, bytes]) => {
      const format = binaryFormat(bytes);
      return format ? [{ name, ...format }] : [];
    });
    expect(binaries.length).toBeGreaterThan(0);
    for (const b of binaries) {
      expect(b.os, b.name).toBe(target.os);
      // A universal (fat) Mach-O serves both Macs; anything else holds exactly this architecture.
      expect(b.archs, b.name).toContain(target.arch);
      if (target.os !== 'darwin') expect(b.archs, b.name).toEqual([target.arch]);
      if (target.os === 'linux') expect(b.libc, b.name).toBe(target.libc);
    }
    for (const expected of expectedBinaries(target)) {
      expect(
        binaries.map((b) => b.name),
        `${expected} is missing`,
      ).toContain(`extension/${expected}`);
    }
  });

  it('declares its target and carries no source maps', () => {
    const files = contents.get(target.id)!;
    expect(files.get('extension.vsixmanifest')!.toString()).toContain(`TargetPlatform="${target.id}"`);
    expect([...files.keys()].filter((f) => f.endsWith('.map'))).toEqual([]);
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(['extension/dist/extension.js', 'extension/dist/daemon.js', 'extension/dist/cli.js']),
    );
  });
});

describe('binary formats', () => {
  it('tells the formats apart by magic bytes and machine field', () => {
    const elf = Buffer.alloc(64);
    elf.writeUInt32BE(0x7f454c46, 0);
    elf.writeUInt16LE(0xb7, 18);
    expect(binaryFormat(elf)).toMatchObject({ os: 'linux', archs: ['arm64'] });
    const pe = Buffer.alloc(256);
    pe.writeUInt16LE(0x5a4d, 0);
    pe.writeUInt32LE(0x80, 0x3c);
    pe.writeUInt32BE(0x50450000, 0x80);
    pe.writeUInt16LE(0xaa64, 0x84);
    expect(binaryFormat(pe)).toEqual({ os: 'win32', archs: ['arm64'] });
    const fat = Buffer.alloc(64);
    fat.writeUInt32BE(0xcafebabe, 0);
    fat.writeUInt32BE(2, 4);
    fat.writeUInt32BE(0x01000007, 8);
    fat.writeUInt32BE(0x0100000c, 28);
    expect(binaryFormat(fat)).toEqual({ os: 'darwin', archs: ['x64', 'arm64'] });
    expect(binaryFormat(Buffer.from('{"name": "not a binary"}'.padEnd(80)))).toBeUndefined();
  });
});

describe('a package for another platform', () => {
  it('run anyway (the darwin-arm64 VSIX here), names each native module that failed, the platform and the package to install', () => {
    const dir = fs.mkdtempSync(path.join(repoRoot, 'dist', 'wrong-target-'));
    const home = path.join(dir, 'home');
    try {
      for (const [name, bytes] of contents.get('darwin-arm64')!) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), bytes);
      }
      const cli = path.join(dir, 'extension', 'dist', 'cli.js');
      const env = { ...process.env, CONDUIT_HOME: home };
      execFileSync(process.execPath, [cli, 'daemon'], { env, stdio: 'pipe' });
      const status = JSON.parse(
        execFileSync(process.execPath, [cli, 'status', '--json'], { env, encoding: 'utf8' }),
      ) as { nativeModules: Array<{ module: string; reason: string; message: string }>; ledger: { state: string } };
      execFileSync(process.execPath, [cli, 'stop'], { env, stdio: 'pipe' });
      const sqlite = status.nativeModules.find((m) => m.module === '@photostructure/sqlite');
      expect(sqlite?.reason).toBe('missing file');
      expect(sqlite?.message).toContain(`conduit-${process.arch === 'x64' ? 'linux-x64' : 'linux-arm64'}.vsix`);
      // usearch loads when status is asked (the keychain only on first use, so it is not checked here).
      expect(status.nativeModules.find((m) => m.module === 'usearch')?.reason).toBe('missing file');
      expect(status.ledger.state).toBe('degraded');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
