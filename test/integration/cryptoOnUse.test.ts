import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ONE_PROVIDER, untilExit, useDaemonAndFake } from './harness';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdt-crypto-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A preload that writes, as the daemon exits, which of Node's crypto modules it had loaded. */
function loadProbe(name: string): { preload: string; loaded: () => string[] } {
  const out = path.join(tmp, `${name}.json`);
  const preload = path.join(tmp, `${name}.cjs`);
  fs.writeFileSync(
    preload,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, ` +
      `JSON.stringify(process.moduleLoadList.filter((m) => /crypto/.test(m)))));`,
  );
  return { preload, loaded: () => JSON.parse(fs.readFileSync(out, 'utf8')) as string[] };
}

/**
 * node:crypto on first use (daemon/platform/nodeCrypto.ts, issue #23): the real daemon from dist/,
 * started in a home a first start has prepared (its tokens exist) and with the keychain's service
 * named (as the default home's is, "conduit"; another home's name is a hash of its path). A client's
 * hello and a status request leave crypto unloaded; the first chat request loads it.
 */
describe('node:crypto loaded on first use', () => {
  const ctx = useDaemonAndFake({ env: { ...ONE_PROVIDER, CONDUIT_KEYCHAIN_SERVICE: 'conduit-test-crypto-on-use' } });
  let starts = 0;

  async function startWithProbe(name: string): Promise<{ daemon: ChildProcess; loaded: () => string[] }> {
    const { h } = ctx;
    if (starts === 0) {
      // The first start creates the IPC token and the local endpoint's (random bytes: crypto).
      (await h.connect()).close();
      expect((await h.cli(['stop'])).code).toBe(0);
      starts++;
    }
    const probe = loadProbe(name);
    const daemon = h.spawnDaemon(['--require', probe.preload]);
    await h.waitForLog(/"daemon listening"/, { count: ++starts });
    return { daemon, loaded: probe.loaded };
  }

  // On Windows the pipe's name is derived from the token (home/socketAddress.ts), so a start there needs crypto.
  it.skipIf(process.platform === 'win32')('serves a hello and a status request without loading it', async () => {
    const { h } = ctx;
    const { daemon, loaded } = await startWithProbe('idle');
    const out = await untilExit(
      daemon,
      async () => expect((await h.status()).version).toBeTruthy(),
      () => h.cli(['stop']),
    );
    expect(out.code, out.stderr).toBe(0);
    expect(loaded()).toEqual([]);
  });

  it('loads it for the first chat request, and answers it', async () => {
    const { h, fake } = ctx;
    fake.setDefault('openai', { text: 'hashed' });
    const { daemon, loaded } = await startWithProbe('chat');
    let text: string | undefined;
    const out = await untilExit(
      daemon,
      async () => {
        const client = await h.connect(false);
        try {
          text = (
            await client.chat({ provider: 'openai', model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
          ).text;
        } finally {
          client.close();
        }
      },
      () => h.cli(['stop']),
    );
    expect(out.code, out.stderr).toBe(0);
    expect(text).toBe('hashed');
    // The probe can see crypto: the request's cache key and rate-limit bucket hash with it.
    expect(loaded()).toContain('NativeModule crypto');
  });
});
