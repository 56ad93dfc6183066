import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../protocol';
import { DEFAULT_TIER_MODELS } from '../../daemon/router/models';
import { useDaemonAndFake } from './harness';

function ask(content: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { messages: [{ role: 'user', content }], temperature: 0, ...extra };
}

describe('cache scopes follow the model that answers, not the tier', () => {
  const env = useDaemonAndFake({ config: { rateLimit: { enabled: false } } });

  it('a request the router scores lower finds the answer a higher tier gave; a higher tier never takes a cheaper one', async () => {
    const client = await env.h.connect();
    try {
      const prompt = 'What port does Redis listen on by default?';
      env.fake.enqueue('anthropic', { text: 'From the strongest model: 6379.' });
      const strong = await client.chat(ask(prompt, { tier: 'complex' }));
      expect(strong.model).toBe(DEFAULT_TIER_MODELS.anthropic.complex);

      // Routed to the simple tier by the classifier: its own scope is empty, the complex model's is not.
      const routed = await client.chat(ask(prompt));
      expect(routed.route?.tier).toBe('simple');
      expect(routed.cache).toBe('exact');
      expect(routed.text).toBe('From the strongest model: 6379.');
      expect(routed.model).toBe(DEFAULT_TIER_MODELS.anthropic.complex);
      expect(env.fake.requestsFor('anthropic')).toHaveLength(1);

      // The other way round: a cheap answer does not serve a request routed to a stronger model.
      const other = 'What port does Memcached listen on by default?';
      env.fake.enqueue('anthropic', { text: 'cheap: 11211' });
      env.fake.enqueue('anthropic', { text: 'strong: 11211' });
      expect((await client.chat(ask(other))).cache).toBe('none');
      const up = await client.chat(ask(other, { tier: 'complex' }));
      expect(up.cache).toBe('none');
      expect(up.text).toBe('strong: 11211');
      expect(env.fake.requestsFor('anthropic')).toHaveLength(3);
    } finally {
      client.close();
    }
  });
});
