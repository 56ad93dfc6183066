import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatResult, StatusResult } from '../../protocol';
import { CONDUIT_VERSION } from '../../protocol/version';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { collect, DaemonHarness, isRunning, repoRoot, TIMEOUT_SCALE, type CliResult } from './harness';

/**
 * `npm pack`, then `npm install -g` of the tarball into an empty prefix, as a user on a clean
 * machine does, then the installed `conduit` bin against the fake provider. Packs the existing
 * build (`--ignore-scripts`: the `prepare` build would replace dist/ under other tests' daemons).
 * The install reads the npm cache that `npm ci` filled (`--prefer-offline`).
 */

/** Install scripts allowed in the installed tree, and why each fetches and compiles nothing. */
const ALLOWED_INSTALL_SCRIPTS: Record<string, string> = {
  // node-gyp-build loads prebuilds/<os>-<arch>/ (checked below for every target); it builds only when none fits.
  '@photostructure/sqlite': 'install: node-gyp-build',
  // Checks the installed protobufjs-cli version against its own; reads local files only.
  protobufjs: 'postinstall: node scripts/postinstall',
  '@google/genai': "preinstall: echo 'preinstall: no-op'",
};

/** The targets of scripts/targets.mjs, as @photostructure/sqlite names its prebuild folders. */
const SQLITE_PREBUILDS = ['win32-x64', 'win32-arm64', 'darwin-x64', 'darwin-arm64', 'linux-x64', 'linux-arm64'];

/** usearch publishes prebuilt binaries for Linux (glibc) and macOS only (daemon/platform/nativeModule.ts). */
const USEARCH_PREBUILT =
  process.platform === 'darwin' ||
  (process.platform === 'linux' &&
    !!(process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header
      ?.glibcVersionRuntime);

const INSTALL_TIMEOUT_MS = 600_000 * TIMEOUT_SCALE;

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

/** npm with the caller's cache and registry, without the npm_* settings of an outer `npm run`. */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && !/^npm_config_(cache|registry|userconfig)$/i.test(k)) continue;
    env[k] = v;
  }
  return env;
}

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  // npm and the installed bin are .cmd files on Windows, which only a shell starts.
  const win = process.platform === 'win32';
  const child = spawn(win ? `"${cmd}"` : cmd, win ? args.map((a) => `"${a}"`) : args, {
    cwd: opts.cwd,
    env: opts.env,
    shell: win,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, INSTALL_TIMEOUT_MS);
}

/** package.json files under a node_modules tree, nested ones included. */
function installedPackages(nodeModules: string): { name: string; dir: string; json: Record<string, unknown> }[] {
  const out: { name: string; dir: string; json: Record<string, unknown> }[] = [];
  if (!fs.existsSync(nodeModules)) return out;
  for (const entry of fs.readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const dirs = entry.startsWith('@')
      ? fs.readdirSync(path.join(nodeModules, entry)).map((s) => path.join(nodeModules, entry, s))
      : [path.join(nodeModules, entry)];
    for (const dir of dirs) {
      const file = path.join(dir, 'package.json');
      if (!fs.existsSync(file)) continue;
      const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      out.push({ name: String(json.name), dir, json });
      out.push(...installedPackages(path.join(dir, 'node_modules')));
    }
  }
  return out;
}

describe('the npm package: npm pack, npm install -g into an empty prefix, then the conduit bin', () => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  let work: string;
  let prefix: string;
  let pack: PackResult;
  let installMs: number;
  let fake: FakeProviderServer;
  let h: DaemonHarness;

  beforeAll(async () => {
    // A space and a non-ASCII letter in the install path, as in a Windows user's profile folder.
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-npm é-'));
    prefix = path.join(work, 'prefix');
    const packStarted = Date.now();
    const packed = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: repoRoot,
      env: npmEnv(),
    });
    expect(packed.code, packed.stderr).toBe(0);
    pack = (JSON.parse(packed.stdout) as [PackResult])[0];
    const packMs = Date.now() - packStarted;
    const started = Date.now();
    const installed = await run(
      npm,
      [
        'install',
        '-g',
        '--prefix',
        prefix,
        path.join(work, pack.filename),
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
      ],
      { cwd: work, env: npmEnv() },
    );
    installMs = Date.now() - started;
    expect(installed.code, installed.stderr).toBe(0);
    console.log(
      `npm package: ${pack.filename} ${(pack.size / 1024 / 1024).toFixed(2)} MB packed, ` +
        `${(pack.unpackedSize / 1024 / 1024).toFixed(2)} MB unpacked, ${pack.files.length} files; ` +
        `npm pack took ${(packMs / 1000).toFixed(1)} s, npm install -g ${(installMs / 1000).toFixed(1)} s`,
    );
    fake = await FakeProviderServer.start();
    h = new DaemonHarness(fake.url);
  }, INSTALL_TIMEOUT_MS * 2);

  afterAll(async () => {
    await h?.dispose();
    await fake?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const packageDir = () =>
    process.platform === 'win32'
      ? path.join(prefix, 'node_modules', 'conduit')
      : path.join(prefix, 'lib', 'node_modules', 'conduit');
  const conduit = (args: string[]) =>
    run(process.platform === 'win32' ? path.join(prefix, 'conduit.cmd') : path.join(prefix, 'bin', 'conduit'), args, {
      cwd: work,
      env: h.env,
    });

  it('the tarball holds the bin and the built code only: no source maps, sources or tests', () => {
    const files = pack.files.map((f) => f.path);
    for (const f of ['bin/conduit.js', 'dist/cli.js', 'dist/daemon.js', 'dist/daemon.mjs', 'package.json'])
      expect(files).toContain(f);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => /^(test|daemon|protocol|extension|webview|scripts|bench|docs)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    // Every chunk the daemon's entry imports is in the package (the `files` glob follows the build).
    const imported = [
      ...fs.readFileSync(path.join(repoRoot, 'dist', 'daemon.mjs'), 'utf8').matchAll(/chunks\/[\w-]+\.mjs/g),
    ];
    expect(imported.length).toBeGreaterThan(0);
    for (const [chunk] of imported) expect(files).toContain(`dist/${chunk}`);
  });

  it('installs from the npm registry only: no package that downloads or compiles at install time', () => {
    const tree = installedPackages(path.join(packageDir(), 'node_modules'));
    expect(tree.length).toBeGreaterThan(0);
    const scripted = Object.fromEntries(
      tree.flatMap(({ name, json }) => {
        const scripts = (json.scripts ?? {}) as Record<string, string>;
        return ['preinstall', 'install', 'postinstall']
          .filter((s) => scripts[s] !== undefined)
          .map((s) => [name, `${s}: ${scripts[s]}`]);
      }),
    );
    expect(scripted).toEqual(ALLOWED_INSTALL_SCRIPTS);
    // The semantic cache's native parts are explicit installs (docs/platforms.md): onnxruntime-node's
    // postinstall downloads CUDA libraries from NuGet, and usearch has no Windows or musl prebuild.
    const names = tree.map((p) => p.name);
    for (const absent of ['@huggingface/transformers', 'onnxruntime-node', 'usearch'])
      expect(names).not.toContain(absent);
    const sqlite = tree.find((p) => p.name === '@photostructure/sqlite');
    for (const target of SQLITE_PREBUILDS)
      expect(
        fs.readdirSync(path.join(sqlite!.dir, 'prebuilds', target)).some((f) => f.endsWith('.node')),
        target,
      ).toBe(true);
  });

  it('conduit --version, then ask against the fake provider, usage from the ledger, and stop', async () => {
    const version = await conduit(['--version']);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout).toContain(`conduit ${CONDUIT_VERSION}`);

    const text = `Answer through the npm-installed CLI ${Math.random().toString(36).slice(2)}`;
    fake.enqueue('anthropic', { text, usage: { input: 12, output: 7 } });
    const ask = await conduit(['ask', '--provider', 'anthropic', '--model', 'claude-test', '--json', 'Say hi']);
    expect(ask.code, ask.stderr).toBe(0);
    const result = JSON.parse(ask.stdout) as ChatResult;
    expect(result.text).toBe(text);
    expect(fake.requestsFor('anthropic')).toHaveLength(1);

    // The installed package's own SQLite binary loaded: the ledger is healthy and has the request.
    const status = await conduit(['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const s = JSON.parse(status.stdout) as StatusResult;
    expect(s.ledger.state).toBe('ok');
    expect(s.version).toBe(CONDUIT_VERSION);
    // usearch is an explicit install for the npm package; status says so and gives the command.
    const problems = s.nativeModules ?? [];
    expect(problems.filter((p) => p.module !== 'usearch')).toEqual([]);
    if (USEARCH_PREBUILT) {
      expect(problems).toEqual([expect.objectContaining({ module: 'usearch', reason: 'not installed' })]);
      expect(s.semanticCache?.indexReason).toContain('npm install -g usearch@2.25.3');
    }
    const usage = await conduit(['usage', '--json']);
    expect(usage.code, usage.stderr).toBe(0);
    expect(usage.stdout).toMatch(/"requests":\s*1\b/);

    const stop = await conduit(['stop']);
    expect(stop.code, stop.stderr).toBe(0);
    // `conduit stop` returns once the daemon process has exited.
    expect(isRunning(s.pid)).toBe(false);
  });

  it.runIf(USEARCH_PREBUILT)(
    'usearch installed as docs/platforms.md says is found by the installed daemon',
    async () => {
      const installed = await run(
        npm,
        ['install', '-g', '--prefix', prefix, 'usearch@2.25.3', '--prefer-offline', '--no-audit', '--no-fund'],
        { cwd: work, env: npmEnv() },
      );
      expect(installed.code, installed.stderr).toBe(0);
      const daemon = await conduit(['daemon']);
      expect(daemon.code, daemon.stderr).toBe(0);
      const status = await conduit(['status', '--json']);
      expect(status.code, status.stderr).toBe(0);
      const s = JSON.parse(status.stdout) as StatusResult;
      expect(s.nativeModules ?? []).toEqual([]);
      expect(s.semanticCache?.index).toBe('usearch HNSW + brute force');
      const stop = await conduit(['stop']);
      expect(stop.code, stop.stderr).toBe(0);
      expect(isRunning(s.pid)).toBe(false);
    },
  );
});
