/**
 * The extension's activation time, outside VS Code: `require('dist/extension.js')` and
 * `activate()` with a stub `vscode` module where every API is a no-op that returns another
 * stub. It times our own module loading and activate() body, not VS Code's extension host (which
 * adds its own loading); a benchmark, not a test. Prints {"requireMs":…,"activateMs":…}.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';

type Stub = ((...args: unknown[]) => unknown) & Record<string | symbol, unknown>;

function stub(name: string): Stub {
  const cache = new Map<string | symbol, unknown>();
  const target = function () {
    /* stub */
  } as unknown as Stub;
  return new Proxy(target, {
    get(_t, key) {
      if (key === 'then') return undefined; // not a thenable: `await stub` must not hang
      if (key === Symbol.toPrimitive) return () => name;
      if (key === Symbol.iterator)
        return function* () {
          /* empty */
        };
      if (key === 'prototype') return Object.prototype;
      if (!cache.has(key)) cache.set(key, stub(`${name}.${String(key)}`));
      return cache.get(key);
    },
    set(_t, key, value) {
      cache.set(key, value);
      return true;
    },
    apply() {
      return stub(`${name}()`);
    },
    construct() {
      return stub(`new ${name}`);
    },
  });
}

const repo = path.resolve(__dirname, '..', '..');
// CONDUIT_EXT_BUNDLE compares another build (e.g. an older commit's) under the same conditions.
const bundle = process.env.CONDUIT_EXT_BUNDLE ?? path.join(repo, 'dist', 'extension.js');
// esbuild copies the module's own properties, so the stub is a plain object with every name
// the bundle may read from `vscode`, each a stub. The bundle is minified (the module is `ce`,
// not `vscode`), so every name read after a dot counts.
const vscode: Record<string, unknown> = {};
for (const m of fs.readFileSync(bundle, 'utf8').matchAll(/\.([A-Za-z_$][\w$]*)/g))
  vscode[m[1]!] ??= stub(`vscode.${m[1]!}`);
type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const mod = Module as unknown as { _load: Loader };
const load = mod._load;
mod._load = (request, parent, isMain) => (request === 'vscode' ? vscode : load(request, parent, isMain));

const t0 = performance.now();
// The built bundle is loaded at run time, as VS Code loads it, to time its activation.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ext = require(bundle) as { activate(ctx: unknown): unknown };
const t1 = performance.now();
const context = new Proxy(
  { subscriptions: [] as unknown[], extensionPath: repo, extension: { packageJSON: { version: '0' } } },
  {
    get(t, key) {
      return key in t
        ? (t as Record<string | symbol, unknown>)[key]
        : typeof key === 'string'
          ? (vscode[key] ?? stub(`context.${key}`))
          : undefined;
    },
  },
);
let error: string | undefined;
try {
  ext.activate(context);
} catch (err) {
  error = err instanceof Error ? err.message : String(err);
}
const t2 = performance.now();
process.stdout.write(`${JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, ...(error ? { error } : {}) })}\n`);
process.exit(0);
