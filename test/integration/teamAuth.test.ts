import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keychainService } from '../../daemon/secrets/keychainService';
import { OsKeychain } from '../../daemon/secrets/keychain';
import { TEAM_PASSWORD_ACCOUNT } from '../../daemon/team/teamPassword';
import { secretService } from '../unit/daemon/secrets/secretServiceGate';
import { FakeProviderServer } from '../fakes/fakeProvider';
import { DaemonHarness, useDaemonAndFake } from './harness';
import { RedisServer, redisAvailable } from './redisServer';
import { teamStatus, waitForMode } from './teamHelpers';

const PASSWORD = 'team-redis-FAKE-canary-password-0000';

describe.skipIf(!redisAvailable())('team mode with a Redis that needs a password', () => {
  let redis: RedisServer;
  let fake: FakeProviderServer;
  let h: DaemonHarness;
  let wrong: DaemonHarness;
  beforeAll(async () => {
    redis = await RedisServer.start({ password: PASSWORD });
    fake = await FakeProviderServer.start();
  });
  afterAll(async () => {
    await h?.dispose();
    await wrong?.dispose();
    await fake?.stop();
    await redis?.stop();
  });

  it('connects with the password from the environment (the headless fallback to the keychain); the password shows up nowhere', async () => {
    h = new DaemonHarness(fake.url, { CONDUIT_REDIS_URL: redis.url, CONDUIT_REDIS_PASSWORD: PASSWORD });
    fs.writeFileSync(
      path.join(h.home, 'config.json'),
      JSON.stringify({ team: { id: 'auth', displayName: 'dana' }, sampling: { enabled: false } }),
    );
    const client = await h.connect();
    try {
      await waitForMode(h, 'connected');
      const r = await client.chat({
        provider: 'openai',
        messages: [{ role: 'user', content: 'hello team' }],
        temperature: 0,
      });
      expect(r.text.length).toBeGreaterThan(0);
    } finally {
      client.close();
    }
    const status = await h.cli(['status', '--json']);
    const usage = await h.cli(['usage', '--team', '--json']);
    expect(JSON.parse(usage.stdout).byPerson).toEqual([expect.objectContaining({ name: 'dana', requests: 1 })]);
    // Stopped and gone first: the logger writes in the background and closes with the daemon.
    await h.stopDaemons();
    for (const text of [status.stdout, usage.stdout, h.logText()]) expect(text).not.toContain(PASSWORD);
  });

  it('a wrong password leaves the daemon degraded with the reason, and requests still succeed', async () => {
    wrong = new DaemonHarness(fake.url, { CONDUIT_REDIS_URL: redis.url, CONDUIT_REDIS_PASSWORD: 'not-the-password' });
    fs.writeFileSync(path.join(wrong.home, 'config.json'), JSON.stringify({ team: { id: 'auth' } }));
    const client = await wrong.connect();
    try {
      await waitForMode(wrong, 'degraded');
      expect((await teamStatus(wrong)).problem).toMatch(/WRONGPASS|invalid username-password|NOAUTH/i);
      const r = await client.chat({
        provider: 'openai',
        messages: [{ role: 'user', content: 'still works' }],
        temperature: 0,
      });
      expect(r.text.length).toBeGreaterThan(0);
    } finally {
      client.close();
    }
  });
});

describe.skipIf(!redisAvailable() || !secretService.run)(
  `team mode: the Redis password in the real OS keychain${secretService.reason ? ` ${secretService.reason}` : ''}`,
  () => {
    let redis: RedisServer;
    let fake: FakeProviderServer;
    let h: DaemonHarness;
    beforeAll(async () => {
      redis = await RedisServer.start({ password: PASSWORD });
      fake = await FakeProviderServer.start();
    });
    afterAll(async () => {
      await new OsKeychain(keychainService(h.home)).delete(TEAM_PASSWORD_ACCOUNT).catch(() => undefined);
      await h?.dispose();
      await fake?.stop();
      await redis?.stop();
    });

    it('`conduit team password` stores it; the daemon, restarted, connects with it; it is nowhere else', async () => {
      h = new DaemonHarness(fake.url, { CONDUIT_REDIS_URL: redis.url });
      fs.writeFileSync(path.join(h.home, 'config.json'), JSON.stringify({ team: { id: 'keychain' } }));
      const stored = await h.cli(['team', 'password'], { input: `${PASSWORD}\n` });
      expect(stored.code, stored.stderr).toBe(0);
      expect(stored.stdout).toMatch(/Stored the team's Redis password in /);
      expect(await new OsKeychain(keychainService(h.home)).get(TEAM_PASSWORD_ACCOUNT)).toBe(PASSWORD);
      await h.cli(['stop']);
      const client = await h.connect();
      client.close();
      await waitForMode(h, 'connected');
      const status = await h.cli(['status', '--json']);
      await h.stopDaemons();
      for (const text of [status.stdout, h.logText(), fs.readFileSync(path.join(h.home, 'config.json'), 'utf8')])
        expect(text).not.toContain(PASSWORD);
    });
  },
);

describe('team mode off (no Redis URL)', () => {
  const env = useDaemonAndFake();

  it('status has no team section, and `usage --team` says how to turn it on', async () => {
    const client = await env.h.connect();
    client.close();
    expect((await env.h.status()).team).toBeUndefined();
    const r = await env.h.cli(['usage', '--team']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Team mode is off: set conduit\.team\.redisUrl .*CONDUIT_REDIS_URL/);
  });
});
