import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';
import { jsonrpcCryptoOnUse } from './scripts/jsonrpcCryptoOnUse.mjs';
import { undiciHttp2OnUse } from './scripts/undiciHttp2OnUse.mjs';
import { zodEnglishOnly } from './scripts/zodEnglishOnly.mjs';

const require = createRequire(import.meta.url);

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Node bundles: the daemon, the CLI and the extension host code. */
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Maps are files beside the bundles, never inline. Production maps carry no sourceMappingURL:
  // they are kept beside the VSIX, not in it; other builds link them (node --enable-source-maps).
  sourcemap: production ? 'external' : 'linked',
  // Minified in every build: V8 parses the whole daemon bundle at each start, and half of the
  // daemon's start was that parse. keepNames keeps function and class names for stack traces.
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  legalComments: 'none',
};

/** `zod` in the CLI's bundle becomes `require('./cliZod.js')`, the file beside it. */
const cliZodApart = {
  name: 'cli-zod-apart',
  setup(build) {
    build.onResolve({ filter: /^zod(\/.*)?$/ }, () => ({ path: './cliZod.js', external: true }));
  },
};

/**
 * The protocol's files import their request and notification types from 'vscode-jsonrpc', whose
 * entry evaluates the whole library (connections, readers, writers, pipes). In the CLI that
 * specifier is the file that defines those types (and ResponseError): `conduit ask` talks over
 * daemon/client/chatClient.ts and never evaluates the rest (issue #23). The other commands still
 * load it through 'vscode-jsonrpc/node', which shares this same file.
 */
const jsonrpcTypesOnly = {
  name: 'jsonrpc-types-only',
  setup(build) {
    // Beside the node entry; the package's "exports" does not offer it by name.
    const messages = fileURLToPath(new URL('../common/messages.js', pathToFileURL(require.resolve('vscode-jsonrpc'))));
    build.onResolve({ filter: /^vscode-jsonrpc$/ }, () => ({ path: messages }));
  },
};

const builds = [
  // The SQLite binding and @napi-rs/keyring load their native binaries from their own package
  // folders, so they cannot be bundled (the SQLite thread requires its binding by name).
  {
    ...node,
    // chunks/prestart.mjs: what the entry starts before it imports the bundle (compose/prestart.ts).
    entryPoints: { daemon: 'daemon/main.ts', 'chunks/prestart': 'daemon/compose/prestart.ts' },
    outdir: 'dist',
    external: ['@photostructure/sqlite', '@napi-rs/keyring'],
    // zod with English alone (scripts/zodEnglishOnly.mjs); crypto on first use
    // (scripts/jsonrpcCryptoOnUse.mjs); undici without node:http2 until an HTTP/2 connect
    // (scripts/undiciHttp2OnUse.mjs).
    plugins: [zodEnglishOnly, jsonrpcCryptoOnUse, undiciHttp2OnUse],
    // ESM split into chunks: each import() (a provider's SDK, undici, ioredis, batch) is a chunk
    // that is read and compiled only when first used. dist/daemon.js is the entry (below).
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // What CommonJS code in the bundle (and loadNative's requireFrom) expects to find.
    banner: {
      js: [
        "import{createRequire as __conduitRequire}from'node:module';",
        "import{fileURLToPath as __conduitPath}from'node:url';",
        'const require=__conduitRequire(import.meta.url);',
        'const __filename=__conduitPath(import.meta.url);',
        "const __dirname=__conduitPath(new URL('.',import.meta.url));",
      ].join(''),
    },
  },
  // The daemon's entry point, CommonJS, which imports dist/daemon.mjs (see daemon/daemonEntry.ts).
  { ...node, entryPoints: { daemon: 'daemon/daemonEntry.ts' }, outdir: 'dist' },
  // The CLI loads dist/daemon.js only for `conduit daemon --foreground`, so the SDKs stay out
  // of its bundle and `conduit ask` starts fast. dist/cli.js is a small entry that runs the CLI
  // (dist/cliMain.js) from a V8 code cache (daemon/cli/codeCache.ts).
  { ...node, entryPoints: { cli: 'daemon/cli/cliEntry.ts' }, outdir: 'dist' },
  // zod was two thirds of the CLI and `conduit ask` never uses it: it is its own file, which only
  // the commands that read the settings require, when they run.
  {
    ...node,
    entryPoints: { cliMain: 'daemon/cli.ts' },
    outdir: 'dist',
    plugins: [cliZodApart, jsonrpcCryptoOnUse, jsonrpcTypesOnly],
  },
  // zod with English alone, as in the daemon (scripts/zodEnglishOnly.mjs).
  { ...node, entryPoints: { cliZod: 'daemon/cli/zodBundle.ts' }, outdir: 'dist', plugins: [zodEnglishOnly] },
  { ...node, entryPoints: { extension: 'extension/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: production ? 'external' : true,
    logLevel: 'warning',
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
    // The panel ships minified in every build: it is loaded on each panel open.
    minify: true,
    legalComments: 'none',
  },
  // The answer panel's page: markdown-it and highlight.js run in the page, as the usage panel's code does.
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: production ? 'external' : true,
    logLevel: 'warning',
    entryPoints: { answer: 'webview/answer/main.ts' },
    outdir: 'dist',
    minify: true,
    legalComments: 'none',
  },
  // Its CSS with the codicon font (dist/codicon.ttf, loaded under the page's font-src).
  {
    bundle: true,
    entryPoints: { answer: 'webview/answer/answer.css' },
    outdir: 'dist',
    minify: true,
    logLevel: 'warning',
    loader: { '.ttf': 'file' },
    assetNames: '[name]',
  },
  // The panel's CSS, with uPlot's, as one file the page loads under its CSP (no inline styles).
  { bundle: true, entryPoints: { webview: 'webview/panel.css' }, outdir: 'dist', minify: true, logLevel: 'warning' },
];

// Chunk names carry a content hash: the previous build's must not linger beside the new ones.
fs.rmSync('dist/chunks', { recursive: true, force: true });

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
