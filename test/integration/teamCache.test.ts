import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../protocol';
import { waitFor } from './harness';
import { redisAvailable } from './redisServer';
import { cacheStreamLength, redisDump, teamStatus, useTeam, waitForAdopted } from './teamHelpers';

/** temperature 0: deterministic, so cacheable under the default settings. */
const ask = (content: string): ChatRequest => ({
  messages: [{ role: 'user', content }],
  provider: 'openai',
  temperature: 0,
});

describe.skipIf(!redisAvailable())('team mode: an answer cached through one daemon answers through the other', () => {
  describe('sampling off (the default): exact hits only, and no prompt text in Redis', () => {
    const team = useTeam({ config: { rateLimit: { enabled: false } } });

    it('exact: asked through A, answered from the team cache through B, without a second upstream call', async () => {
      const prompt = 'What is the capital of France? Answer in one word.';
      team.fake.enqueue('openai', { text: 'Paris.' });
      const first = await team.a.client.chat(ask(prompt));
      expect(first.cache).toBe('none');
      // The entry reaches Redis just after the answer (its key and its stream entry in one MULTI).
      await waitFor(async () => (await cacheStreamLength(team.redis.port)) >= 1, 20_000, 'the entry in Redis');
      const second = await team.b.client.chat(ask(prompt));
      expect(second.cache).toBe('exact');
      expect(second.text).toBe('Paris.');
      expect(team.fake.requestsFor('openai')).toHaveLength(1);

      // Redis holds the answer (the point of a shared cache) but not the prompt.
      const { keys, text } = await redisDump(team.redis.port);
      expect(keys.some((k) => k.startsWith('conduit:testteam:cache'))).toBe(true);
      expect(text).toContain('Paris.');
      expect(text).not.toContain('capital of France');
    });

    it('a reworded prompt does not hit through the other daemon: the guards need the prompt, which stays local', async () => {
      const adopted = (await teamStatus(team.b.h)).cacheAdopted ?? 0;
      team.fake.enqueue('openai', { text: 'Use s[::-1].' });
      await team.a.client.chat(ask('How do I reverse a string in Python?'));
      // B holds A's entry (without its prompt) before it is asked: the miss is the guards', not the stream's.
      await waitForAdopted(team.b.h, adopted + 1);
      team.fake.enqueue('openai', { text: 'Slice it backwards.' });
      const r = await team.b.client.chat(ask('how can I reverse a string in python'));
      expect(r.cache).toBe('none');
    });
  });

  describe('sampling on: semantic hits across daemons', () => {
    const team = useTeam({ config: { rateLimit: { enabled: false }, sampling: { enabled: true } } });

    it('semantic: a reworded prompt asked through B hits the entry A stored, through the stream', async () => {
      const adopted = (await teamStatus(team.b.h)).cacheAdopted ?? 0;
      team.fake.enqueue('openai', { text: 'Use s[::-1].' });
      await team.a.client.chat(ask('How do I reverse a string in Python?'));
      // B's index learns of the entry from the team's cache stream.
      await waitForAdopted(team.b.h, adopted + 1);
      const r = await team.b.client.chat(ask('how can I reverse a string in python'));
      expect(r.cache).toBe('semantic');
      expect(r.text).toBe('Use s[::-1].');
      expect(r.cacheMatch?.prompt).toBe('How do I reverse a string in Python?');
      expect(team.fake.requestsFor('openai')).toHaveLength(1);
    });

    it('the false-hit guards still hold across daemons: a different number is a miss', async () => {
      const adopted = (await teamStatus(team.b.h)).cacheAdopted ?? 0;
      team.fake.enqueue('openai', { text: 'Ten items.' });
      await team.a.client.chat(ask('List the first 10 prime numbers'));
      // B has indexed the entry with its prompt: the miss below is the guard's.
      await waitForAdopted(team.b.h, adopted + 1);
      team.fake.enqueue('openai', { text: 'Twelve items.' });
      const r = await team.b.client.chat(ask('List the first 12 prime numbers'));
      expect(r.cache).toBe('none');
      expect(r.text).toBe('Twelve items.');
    });

    it('a daemon that joins late loads the entries it missed and hits semantically at once', async () => {
      // C starts after A stored its entries: it reads the stream from the start.
      const { DaemonHarness } = await import('./harness');
      const fs = await import('node:fs');
      const path = await import('node:path');
      const c = new DaemonHarness(team.fake.url, { CONDUIT_REDIS_URL: team.redis.url });
      fs.writeFileSync(
        path.join(c.home, 'config.json'),
        JSON.stringify({
          rateLimit: { enabled: false },
          sampling: { enabled: true },
          team: { id: 'testteam', displayName: 'carol' },
        }),
      );
      const client = await c.connect();
      try {
        await waitFor(async () => (await c.status()).team?.mode === 'connected', 20_000, 'C to join the team').catch(
          (err: unknown) => {
            // What C's log says of team mode is what a failure here needs.
            const lines = c
              .logText()
              .split('\n')
              .filter((l) => /team|redis/i.test(l));
            throw new Error(`${String(err)}\n${lines.slice(-15).join('\n')}`);
          },
        );
        // Every entry in the stream is another daemon's: C has taken them all in once its count reaches it.
        await waitForAdopted(c, await cacheStreamLength(team.redis.port));
        const before = team.fake.requestsFor('openai').length;
        const r = await client.chat(ask('how can I reverse a string in python?'));
        expect(r.cache).toBe('semantic');
        expect(team.fake.requestsFor('openai')).toHaveLength(before);
      } finally {
        client.close();
        await c.dispose();
      }
    });
  });
});
