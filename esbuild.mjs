import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Node bundles: the daemon, the CLI and the extension host code. */
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Production maps carry no sourceMappingURL: they are kept beside the VSIX, not in it.
  sourcemap: production ? 'external' : true,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const builds = [
  // The SQLite binding and @napi-rs/keyring load their native binaries from their own package
  // folders, so they cannot be bundled (the SQLite thread requires its binding by name).
  {
    ...node,
    entryPoints: { daemon: 'daemon/main.ts' },
    outdir: 'dist',
    external: ['@photostructure/sqlite', '@napi-rs/keyring'],
  },
  // The CLI loads dist/daemon.js only for `conduit daemon --foreground`, so the SDKs stay out
  // of its bundle and `conduit ask` starts fast.
  { ...node, entryPoints: { cli: 'daemon/cli.ts' }, outdir: 'dist' },
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

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
