import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * dist/cliZod.js, the zod the CLI's settings commands load when they run (esbuild.mjs), as
 * `npm run build` wrote it: zod's entry re-exports every locale, 63 of them, which were more than
 * half of the file; the build leaves English alone (scripts/zodEnglishOnly.mjs), as in the daemon.
 */
describe("the CLI's zod file", () => {
  const z = createRequire(__filename)(path.resolve(__dirname, '../../dist/cliZod.js')) as typeof import('zod');

  it('carries English alone', () => {
    expect(Object.keys(z.locales)).toEqual(['en']);
  });

  it("still words a settings error in zod's English", () => {
    const r = z.object({ model: z.string() }).safeParse({ model: 1 });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe('Invalid input: expected string, received number');
  });
});
