import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The CLI starts on every `conduit` command, so it must not carry the provider SDKs: they load in
 * the daemon only. A settings file that imported an adapter for one constant once doubled cli.js
 * and slowed every command; this keeps that from coming back.
 */
describe('the conduit CLI bundle', () => {
  it('includes no provider or cloud SDK', async () => {
    const result = await esbuild.build({
      entryPoints: ['daemon/cli.ts'],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    const sdks = inputs.filter((p) =>
      /node_modules\/(?:openai|@anthropic-ai|@google\/genai|@aws-sdk|google-auth-library)\//.test(p),
    );
    expect(sdks).toEqual([]);
    // The CLI does read the settings, which is how the SDKs once slipped in.
    expect(inputs.some((p) => p.endsWith('daemon/config/platformSettings.ts'))).toBe(true);
  });
});
