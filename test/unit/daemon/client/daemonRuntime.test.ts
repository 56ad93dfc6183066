import { describe, expect, it } from 'vitest';
import { DAEMON_V8_FLAGS, daemonRuntime, LINUX_MALLOC_ENV } from '../../../../daemon/client/daemonRuntime';

describe('daemonRuntime', () => {
  it('on Linux adds the glibc malloc settings, none when the caller set one of its own', () => {
    expect(daemonRuntime('linux', {}).env).toEqual({ MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072' });
    expect(daemonRuntime('linux', { MALLOC_ARENA_MAX: '16' }).env).toEqual({});
    expect(daemonRuntime('linux', { MALLOC_TRIM_THRESHOLD_: '0' }).env).toEqual({});
  });

  it.each(['darwin', 'win32', 'freebsd'] as const)('on %s adds no malloc settings (not glibc)', (platform) => {
    expect(daemonRuntime(platform, {}).env).toEqual({});
  });

  it('gives the V8 flags on every platform, the young generation bounded and no heap cap', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(daemonRuntime(platform, {}).execArgv).toEqual([...DAEMON_V8_FLAGS]);
    }
    expect(DAEMON_V8_FLAGS.some((f) => f.startsWith('--max-semi-space-size='))).toBe(true);
    expect(DAEMON_V8_FLAGS.some((f) => f.startsWith('--max-old-space-size'))).toBe(false);
  });

  it("keeps WebAssembly (undici's HTTP parser) on V8's baseline compiler: no TurboFan tier-up under load", () => {
    expect(DAEMON_V8_FLAGS).toContain('--liftoff-only');
  });

  it("leaves out a flag the caller's NODE_OPTIONS already sets (the command line would override it)", () => {
    expect(daemonRuntime('linux', { NODE_OPTIONS: '--expose-gc --max-semi-space-size=16' }).execArgv).toEqual([
      '--liftoff-only',
    ]);
    expect(daemonRuntime('linux', { NODE_OPTIONS: '--expose-gc' }).execArgv).toEqual([...DAEMON_V8_FLAGS]);
    // A flag without a value is matched whole, not by an empty prefix that every NODE_OPTIONS holds.
    expect(daemonRuntime('linux', { NODE_OPTIONS: '--require ./p.cjs' }).execArgv).toContain('--liftoff-only');
    expect(daemonRuntime('linux', { NODE_OPTIONS: '--liftoff-only' }).execArgv).not.toContain('--liftoff-only');
  });

  it('names only malloc settings, nothing a key could hide in', () => {
    expect(Object.keys(LINUX_MALLOC_ENV).every((k) => k.startsWith('MALLOC_'))).toBe(true);
  });
});
