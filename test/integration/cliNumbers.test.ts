import { afterAll, describe, expect, it } from 'vitest';
import { DaemonHarness } from './harness';

/** Every case fails in argument checking, before any daemon is needed. */
describe('negative numbers on the command line get a range message, not "ambiguous"', () => {
  const h = new DaemonHarness('http://127.0.0.1:9');
  // A run may still start a daemon (the CLI's early start), which must stop before the home goes.
  afterAll(() => h.dispose());

  const cases: [string[], RegExp][] = [
    [['ask', '--max-tokens', '-1', 'hi'], /--max-tokens must be a whole number ≥ 1, got "-1"/],
    [['ask', '--temperature', '-1', 'hi'], /--temperature must be ≥ 0 and ≤ 2, got -1/],
    [['ask', '--temperature', '3', 'hi'], /--temperature must be ≤ 2/],
    [['usage', '--since', '-5d'], /--since -5d: a duration back from now must be ≥ 0; write 5d/],
    [['logs', '--lines', '-3'], /--lines must be a whole number ≥ 0, got "-3"/],
  ];
  for (const [args, message] of cases) {
    it(`conduit ${args.join(' ')}`, async () => {
      const r = await h.cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/ambiguous/);
    });
  }
});
