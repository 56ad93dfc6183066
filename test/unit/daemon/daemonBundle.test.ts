import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonrpcCryptoOnUse } from '../../../scripts/jsonrpcCryptoOnUse.mjs';
import { zodEnglishOnly } from '../../../scripts/zodEnglishOnly.mjs';

/**
 * What the daemon reads and compiles at each start (issue #23). The bundles are built in memory
 * (or in a temporary folder, to run one) with the options esbuild.mjs gives the daemon.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-daemon-bundle-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const zodLocale = /node_modules\/zod\/v4\/locales\/([^/]+)\.js$/;

function buildDaemon(plugins: esbuild.Plugin[]) {
  return esbuild.build({
    entryPoints: { daemon: 'daemon/main.ts', 'chunks/prestart': 'daemon/compose/prestart.ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    splitting: true,
    outdir: path.join(tmp, 'daemon'),
    external: ['@photostructure/sqlite', '@napi-rs/keyring'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins,
  });
}

describe("the daemon's bundle", () => {
  it("carries zod's English messages and no other locale", async () => {
    const locales = (r: esbuild.BuildResult<{ metafile: true }>) =>
      Object.keys(r.metafile.inputs)
        .map((p) => zodLocale.exec(p)?.[1])
        .filter((l) => l !== undefined)
        .sort();
    expect(locales(await buildDaemon([zodEnglishOnly]))).toEqual(['en']);
    // The check can fail: without the plugin zod's entry brings every locale.
    expect(locales(await buildDaemon([])).length).toBeGreaterThan(20);
  });

  it("gives zod's English messages through the plugin, as without it", async () => {
    // A schema's failure, bundled the daemon's way and run.
    const run = async (name: string, plugins: esbuild.Plugin[]) => {
      const outfile = path.join(tmp, `${name}.mjs`);
      await esbuild.build({
        stdin: {
          contents: [
            "import { z } from 'zod';",
            'const r = z.object({ model: z.string() }).safeParse({ model: 1 });',
            'export const message = r.error.issues[0].message;',
          ].join('\n'),
          resolveDir: process.cwd(),
          loader: 'ts',
        },
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile,
        logLevel: 'silent',
        plugins,
      });
      return ((await import(pathToFileURL(outfile).href)) as { message: string }).message;
    };
    const english = await run('english', [zodEnglishOnly]);
    expect(english).toBe('Invalid input: expected string, received number');
    expect(english).toBe(await run('all', []));
  });
});

/** What a module reaches through static imports is evaluated with it; import() waits for use. */
function reachedIn(inputs: esbuild.Metafile['inputs']) {
  return (...entries: string[]): Set<string> => {
    const seen = new Set(entries);
    const queue = [...entries];
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
      for (const imp of inputs[f]?.imports ?? []) {
        if (imp.kind === 'dynamic-import' || seen.has(imp.path)) continue;
        seen.add(imp.path);
        if (!imp.external) queue.push(imp.path);
      }
    }
    return seen;
  };
}

describe("what the daemon's start evaluates", () => {
  it('reaches no local endpoint code (node:http, its routes) through static imports', async () => {
    const reached = reachedIn((await buildDaemon([zodEnglishOnly, jsonrpcCryptoOnUse])).metafile.inputs);
    const endpoint = (files: Set<string>) =>
      [...files].filter((p) => /^daemon\/http\/(?!endpointToken|serverSettings)|^node:http$/.test(p)).sort();
    const start = reached('daemon/main.ts', 'daemon/compose/prestart.ts');
    expect(start.has('daemon/compose/localEndpointOnUse.ts')).toBe(true);
    expect(endpoint(start)).toEqual([]);
    // The check can fail: the endpoint's own module does reach them.
    expect(endpoint(reached('daemon/http/createLocalEndpoint.ts'))).toContain('node:http');
  });
});

describe("what the daemon's start loads of Node's own modules", () => {
  // The entry (daemon/daemonEntry.ts, its own CommonJS bundle) and the two ESM entries it imports.
  const start = async (plugins: esbuild.Plugin[]) => {
    const entry = await esbuild.build({
      entryPoints: ['daemon/daemonEntry.ts'],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const bundle = await buildDaemon(plugins);
    return new Set([
      ...reachedIn(entry.metafile.inputs)('daemon/daemonEntry.ts'),
      ...reachedIn(bundle.metafile.inputs)('daemon/main.ts', 'daemon/compose/prestart.ts'),
    ]);
  };
  const crypto = (files: Set<string>) => [...files].filter((p) => /^(node:)?crypto$/.test(p));

  it('reaches no node:crypto through static imports (it is loaded on first use, platform/nodeCrypto.ts)', async () => {
    const reached = await start([zodEnglishOnly, jsonrpcCryptoOnUse]);
    expect(reached.has('node_modules/vscode-jsonrpc/lib/node/main.js')).toBe(true);
    expect(crypto(reached)).toEqual([]);
    // The check can fail: without the plugin, vscode-jsonrpc's node entry requires crypto at load.
    expect(crypto(await start([zodEnglishOnly]))).toEqual(['crypto']);
  });
});

describe("what a daemon's first request evaluates", () => {
  it("loads undici's pool and request API without its index or its WHATWG fetch", async () => {
    const reached = reachedIn((await buildDaemon([zodEnglishOnly, jsonrpcCryptoOnUse])).metafile.inputs);
    const undici = (files: Set<string>) => [...files].filter((p) => p.includes('node_modules/undici/'));
    const plain = undici(reached('daemon/providers/undici.ts'));
    expect(plain).toContain('node_modules/undici/lib/dispatcher/agent.js');
    expect(plain).toContain('node_modules/undici/lib/api/api-request.js');
    expect(plain.filter((p) => /undici\/index\.js$|\/lib\/web\/fetch\/index\.js$|\/lib\/mock\//.test(p))).toEqual([]);
    // The check can fail: the fetch's own module reaches undici's fetch.
    expect(undici(reached('daemon/providers/undiciFetch.ts'))).toContain('node_modules/undici/lib/web/fetch/index.js');
  });
});
