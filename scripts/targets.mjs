// The VS Code targets Conduit ships for, and which native files each one carries. Shared by
// scripts/package.mjs and the packaging test (test/unit/packaging/vsixBinaries.test.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** os/arch as Node names them; libc only on Linux. usearch publishes no Windows or musl build. */
export const TARGETS = [
  { id: 'win32-x64', os: 'win32', arch: 'x64', keyring: 'win32-x64-msvc', usearch: null },
  { id: 'win32-arm64', os: 'win32', arch: 'arm64', keyring: 'win32-arm64-msvc', usearch: null },
  { id: 'darwin-x64', os: 'darwin', arch: 'x64', keyring: 'darwin-x64', usearch: 'darwin-arm64+x64' },
  { id: 'darwin-arm64', os: 'darwin', arch: 'arm64', keyring: 'darwin-arm64', usearch: 'darwin-arm64+x64' },
  { id: 'linux-x64', os: 'linux', arch: 'x64', libc: 'glibc', keyring: 'linux-x64-gnu', usearch: 'linux-x64' },
  { id: 'linux-arm64', os: 'linux', arch: 'arm64', libc: 'glibc', keyring: 'linux-arm64-gnu', usearch: 'linux-arm64' },
  { id: 'alpine-x64', os: 'linux', arch: 'x64', libc: 'musl', keyring: 'linux-x64-musl', usearch: null },
  { id: 'alpine-arm64', os: 'linux', arch: 'arm64', libc: 'musl', keyring: 'linux-arm64-musl', usearch: null },
];

/** This machine's target. */
export function hostTarget() {
  if (process.platform !== 'linux') return `${process.platform}-${process.arch}`;
  const glibc = process.report?.getReport?.().header?.glibcVersionRuntime;
  return `${glibc ? 'linux' : 'alpine'}-${process.arch}`;
}

function installedVersion(name) {
  const file = path.join(root, 'node_modules', name, 'package.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).version : null;
}

/**
 * The packages a target's VSIX carries: `files` are copied (package.json always is, so that
 * `npm list` sees a complete tree); a package with no files is listed but not shipped
 * (node-addon-api: C++ headers needed only to build). `fromNpm`: fetched with `npm pack`.
 */
export function nativePackages(target) {
  const sqliteDir = `${target.os}-${target.arch}`;
  const libc = target.libc === 'musl' ? 'musl' : 'glibc';
  const keyringName = `@napi-rs/keyring-${target.keyring}`;
  const keyringVersion = installedVersion('@napi-rs/keyring');
  const pkgs = [
    {
      name: '@photostructure/sqlite',
      root: true,
      files: ['LICENSE', 'dist/index.cjs', `prebuilds/${sqliteDir}/@photostructure+sqlite.${libc}.node`],
    },
    { name: 'node-gyp-build', files: ['LICENSE', 'index.js', 'node-gyp-build.js'] },
    // Only nested copies are installed; one at the top satisfies both dependents for `npm list`.
    { name: 'node-addon-api', dir: '@photostructure/sqlite/node_modules/node-addon-api', files: [] },
    { name: '@napi-rs/keyring', root: true, files: ['index.js'] },
    {
      name: keyringName,
      root: true,
      files: ['**'],
      fromNpm: installedVersion(keyringName) !== keyringVersion,
      version: keyringVersion,
    },
  ];
  if (target.usearch) {
    pkgs.push(
      {
        name: 'usearch',
        root: true,
        files: ['LICENSE', 'javascript/dist/cjs/**', `prebuilds/${target.usearch}/usearch.node`],
      },
      { name: 'bindings', files: ['LICENSE.md', 'bindings.js'] },
      { name: 'file-uri-to-path', files: ['LICENSE', 'index.js'] },
    );
  }
  return pkgs.map((p) => ({ ...p, dir: p.dir ?? p.name, version: p.version ?? installedVersion(p.dir ?? p.name) }));
}

/** The binary a target's VSIX must carry for each native module (paths inside the VSIX's extension/ folder). */
export function expectedBinaries(target) {
  return nativePackages(target)
    .flatMap((p) => p.files.filter((f) => f.endsWith('.node')).map((f) => `node_modules/${p.name}/${f}`))
    .concat([`node_modules/@napi-rs/keyring-${target.keyring}/keyring.${target.keyring}.node`]);
}
