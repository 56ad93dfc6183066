import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keychainError, OsKeychain } from '../../../../daemon/secrets/keychain';
import { KeyRing } from '../../../../daemon/secrets/keyRing';
import { secretService, testService } from './secretServiceGate';

const K1 = 'sk-test-FAKE-secret-service-key-000000001';
const K2 = 'sk-test-FAKE-secret-service-key-000000002';

describe.skipIf(!secretService.run)(
  `the real OS keychain (Secret Service)${secretService.reason ? ` ${secretService.reason}` : ''}`,
  () => {
    const service = testService('unit');
    const keychain = new OsKeychain(service);
    afterAll(async () => {
      await keychain.delete('profile:default').catch(() => undefined);
      await keychain.delete('profiles').catch(() => undefined);
    });

    it('sets, gets, rotates and removes keys, and a new ring sees them', async () => {
      const ring = new KeyRing(keychain);
      await ring.load();
      expect(ring.state, ring.state.problem).toMatchObject({ available: true });
      await ring.set('default', 'openai', K1, false);
      await ring.set('default', 'openai', K2, true);

      const fresh = new KeyRing(new OsKeychain(service));
      await fresh.load();
      expect(fresh.candidates('openai', 'default', {}).map((c) => c.key)).toEqual([K1, K2]);

      await ring.set('default', 'openai', K2, false);
      await fresh.load();
      expect(fresh.candidates('openai', 'default', {}).map((c) => c.key)).toEqual([K2]);

      await ring.remove('default', 'openai', undefined);
      await fresh.load();
      expect(fresh.candidates('openai', 'default', {})).toEqual([]);
      expect(await keychain.get('profile:default')).toBeNull();
    });

    it('fails closed with a message when there is no D-Bus session', () => {
      // A child without DBUS_SESSION_BUS_ADDRESS: the keychain is out of reach.
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.DBUS_SESSION_BUS_ADDRESS;
      const code = `
      const { AsyncEntry } = require('@napi-rs/keyring');
      (async () => {
        try { new AsyncEntry('${service}', 'probe', { linux: { store: 'secret-service' } }); console.log('reachable'); }
        catch (e) { console.log('ERR ' + e.message); }
      })();`;
      const r = spawnSync(process.execPath, ['-e', code], {
        env,
        cwd: path.resolve(__dirname, '../../../..'),
        encoding: 'utf8',
      });
      expect(r.stdout).toMatch(/^ERR /);
      const mapped = keychainError(new Error(r.stdout.slice(4).trim()));
      expect(mapped.kind).toBe('no-dbus');
      expect(mapped.message).toMatch(/no D-Bus session bus.*environment/);
    });
  },
);
