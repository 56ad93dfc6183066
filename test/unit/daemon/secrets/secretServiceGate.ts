/**
 * Whether tests that need a real Secret Service run. They need a D-Bus session bus with an
 * unlocked keyring (see .ci/run and docs/development.md). Outside CI they skip, with this reason, when
 * there is no session bus; in CI (CI=true) they always run, so a broken setup fails loudly.
 */
const hasBus = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS) || process.platform !== 'linux';
const inCi = process.env.CI === 'true' || process.env.CI === '1';

export const secretService = {
  run: hasBus || inCi,
  reason: hasBus
    ? ''
    : inCi
      ? ''
      : 'SKIPPED: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset). Run under `dbus-run-session` with an unlocked gnome-keyring, as .ci/run does, to test the real keychain.',
};

if (!secretService.run) process.stderr.write(`[keychain tests] ${secretService.reason}\n`);

/** A fresh, unique keychain service name per test run, so nothing touches the user's keys. */
export function testService(tag: string): string {
  return `conduit-test-${tag}-${process.pid}-${Date.now().toString(36)}`;
}
