import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The CLI starts on every `conduit` command, so it must not carry the provider SDKs: they load in
 * the daemon only. A settings file that imported an adapter for one constant once doubled cli.js
 * and slowed every command; this keeps that from coming back.
 */
/** The CLI as `npm run build` bundles it, in memory, with the map of what went in. */
function buildCli(entry = 'daemon/cli.ts') {
  return esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
}

describe('the conduit CLI bundle', () => {
  it('includes no provider or cloud SDK', async () => {
    const result = await buildCli();
    const inputs = Object.keys(result.metafile.inputs);
    const sdks = inputs.filter((p) =>
      /node_modules\/(?:openai|@anthropic-ai|@google\/genai|@aws-sdk|google-auth-library)\//.test(p),
    );
    expect(sdks).toEqual([]);
    // The CLI does read the settings, which is how the SDKs once slipped in.
    expect(inputs.some((p) => p.endsWith('daemon/config/platformSettings.ts'))).toBe(true);
  });

  it('evaluates no schema library and no SDK for `conduit ask`: other commands load theirs when they run', async () => {
    const result = await buildCli();
    const inputs = result.metafile.inputs;
    // What a module reaches through static imports is evaluated with it; import() waits for use.
    const reached = (entry: string): Set<string> => {
      const seen = new Set([entry]);
      const queue = [entry];
      for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
        for (const imp of inputs[f]?.imports ?? []) {
          if (imp.kind === 'dynamic-import' || imp.external || seen.has(imp.path)) continue;
          seen.add(imp.path);
          queue.push(imp.path);
        }
      }
      return seen;
    };
    const heavy = (files: Set<string>) =>
      [...files].filter((p) => /node_modules\/(?:zod|openai|@anthropic-ai|@google\/genai|undici)\//.test(p));
    const ask = new Set([...reached('daemon/cli.ts'), ...reached('daemon/cli/askCommand.ts')]);
    expect(ask.has('daemon/cli/askCommand.ts')).toBe(true);
    expect(heavy(ask)).toEqual([]);
    // The check can fail: the settings commands do reach zod.
    expect(heavy(reached('daemon/cli/routeCommand.ts')).length).toBeGreaterThan(0);
  });

  it('starts from an entry (dist/cli.js) that holds the code cache and nothing of the CLI itself', async () => {
    const result = await buildCli('daemon/cli/cliEntry.ts');
    const inputs = Object.keys(result.metafile.inputs).sort();
    // Anything more would be compiled on every start, cache or not.
    expect(inputs).toEqual(['daemon/cli/cliEntry.ts', 'daemon/cli/codeCache.ts', 'daemon/home/homeDir.ts']);
  });
});
