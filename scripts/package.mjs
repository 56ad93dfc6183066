// Builds one VSIX per VS Code target, each with only its own target's native binaries.
//   npm run package -- --target darwin-arm64   -> dist/conduit-darwin-arm64.vsix
//   npm run package:all                        -> every target in TARGETS
// Without --target it packages the machine's own target. The JavaScript is built once; source
// maps go to dist/sourcemaps/, never into a VSIX. Native packages come from this checkout's
// node_modules (the lockfile's versions) or, for other targets' binary packages, from the npm
// registry through `npm pack`: nothing is compiled and nothing is fetched from anywhere else.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TARGETS, hostTarget, nativePackages } from './targets.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const args = process.argv.slice(2);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function option(name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const targets = args.includes('--all') ? TARGETS.map((t) => t.id) : [option('--target') ?? hostTarget()];
for (const id of targets) {
  if (!TARGETS.some((t) => t.id === id)) {
    console.error(`package: unknown target "${id}"; one of: ${TARGETS.map((t) => t.id).join(', ')}`);
    process.exit(2);
  }
}

if (!args.includes('--no-build')) {
  execFileSync(process.execPath, [path.join(root, 'esbuild.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
}
moveSourceMaps();

const started = Date.now();
for (const id of targets) {
  const t0 = Date.now();
  const out = packageTarget(TARGETS.find((t) => t.id === id));
  console.log(
    `package: ${path.relative(root, out)} ${(fs.statSync(out).size / 1024 / 1024).toFixed(2)} MB (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
}
if (targets.length > 1)
  console.log(`package: ${targets.length} targets in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/** Source maps stay beside the packages for reading stack traces; the VSIX carries none. */
function moveSourceMaps() {
  const maps = path.join(dist, 'sourcemaps');
  fs.mkdirSync(maps, { recursive: true });
  for (const f of fs.readdirSync(dist)) {
    if (f.endsWith('.map')) fs.renameSync(path.join(dist, f), path.join(maps, f));
  }
  // The daemon's chunks (dist/chunks/, see esbuild.mjs) have maps of their own.
  const chunks = path.join(dist, 'chunks');
  if (fs.existsSync(chunks)) {
    fs.mkdirSync(path.join(maps, 'chunks'), { recursive: true });
    for (const f of fs.readdirSync(chunks)) {
      if (f.endsWith('.map')) fs.renameSync(path.join(chunks, f), path.join(maps, 'chunks', f));
    }
  }
}

function packageTarget(target) {
  const stage = path.join(dist, 'stage', target.id);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(path.join(stage, 'dist'), { recursive: true });
  for (const f of [
    'extension.js',
    'daemon.js',
    'daemon.mjs',
    'cli.js',
    'cliMain.js',
    'cliZod.js',
    'webview.js',
    'webview.css',
    'answer.js',
    'answer.css',
    'codicon.ttf',
  ]) {
    fs.copyFileSync(path.join(dist, f), path.join(stage, 'dist', f));
  }
  // The daemon's lazily loaded chunks.
  fs.mkdirSync(path.join(stage, 'dist', 'chunks'));
  for (const f of fs.readdirSync(path.join(dist, 'chunks')).filter((f) => f.endsWith('.mjs'))) {
    fs.copyFileSync(path.join(dist, 'chunks', f), path.join(stage, 'dist', 'chunks', f));
  }
  for (const f of ['README.md', 'LICENSE']) fs.copyFileSync(path.join(root, f), path.join(stage, f));
  // The extension's icon (package.json `icon`), which vsce requires to exist.
  fs.mkdirSync(path.join(stage, 'media'), { recursive: true });
  fs.copyFileSync(path.join(root, 'media', 'icon.png'), path.join(stage, 'media', 'icon.png'));

  const natives = nativePackages(target);
  const shipped = [];
  for (const pkg of natives) {
    const dir = pkg.fromNpm ? fetchFromNpm(pkg.name, pkg.version, stage) : path.join(root, 'node_modules', pkg.dir);
    copyPackage(dir, path.join(stage, 'node_modules', pkg.name), pkg.files);
    if (pkg.files.length > 0 || pkg.fromNpm) shipped.push(pkg.name);
  }

  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  delete manifest.devDependencies;
  delete manifest.scripts;
  delete manifest.allowScripts;
  // The npm package's optional installs; a VSIX carries its target's usearch as a dependency.
  delete manifest.peerDependencies;
  delete manifest.peerDependenciesMeta;
  // `files` is for npm pack; vsce takes the .vscodeignore below and refuses both at once.
  delete manifest.files;
  // vsce lists what to pack with `npm list`: the staged tree must be complete, so the manifest
  // names exactly the packages laid out above.
  manifest.dependencies = Object.fromEntries(natives.filter((p) => p.root).map((p) => [p.name, p.version]));
  fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  fs.writeFileSync(
    path.join(stage, '.vscodeignore'),
    [
      '**',
      '!dist/*.js',
      '!dist/daemon.mjs',
      '!dist/chunks/*.mjs',
      '!dist/webview.css',
      '!dist/answer.css',
      '!dist/codicon.ttf',
      '!README.md',
      '!LICENSE',
      '!media/icon.png',
      '!package.json',
      ...shipped.map((name) => `!node_modules/${name}/**`),
      '**/*.map',
      '',
    ].join('\n'),
  );

  const out = path.join(dist, `conduit-${target.id}.vsix`);
  fs.rmSync(out, { force: true });
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(
    process.execPath,
    [vsce, 'package', '--target', target.id, '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out],
    { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return out;
}

/** A package of another target (a prebuilt binary): `npm pack` from the registry into the stage. */
function fetchFromNpm(name, version, stage) {
  const cache = path.join(dist, 'npm-pack');
  fs.mkdirSync(cache, { recursive: true });
  const tgz = path.join(cache, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`);
  if (!fs.existsSync(tgz)) {
    execFileSync(npm, ['pack', `${name}@${version}`, '--pack-destination', cache, '--silent'], {
      cwd: cache,
      stdio: ['ignore', 'ignore', 'inherit'],
      shell: process.platform === 'win32',
    });
  }
  const unpacked = path.join(stage, '.unpacked', name);
  fs.mkdirSync(unpacked, { recursive: true });
  execFileSync('tar', ['-xzf', tgz, '-C', unpacked, '--strip-components=1']);
  return unpacked;
}

/** package.json always (npm list reads it); of the rest, only `files` (globs: a trailing /** takes a folder). */
function copyPackage(from, to, files) {
  fs.mkdirSync(to, { recursive: true });
  fs.copyFileSync(path.join(from, 'package.json'), path.join(to, 'package.json'));
  for (const f of files) {
    if (f === '**') {
      fs.cpSync(from, to, { recursive: true });
    } else if (f.endsWith('/**')) {
      fs.cpSync(path.join(from, f.slice(0, -3)), path.join(to, f.slice(0, -3)), { recursive: true });
    } else if (fs.existsSync(path.join(from, f))) {
      fs.mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
      fs.copyFileSync(path.join(from, f), path.join(to, f));
    } else {
      throw new Error(`package: ${path.join(from, f)} is missing; run npm ci`);
    }
  }
}
