import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../daemon/config/config';
import { chainStatus, fallbackInForce } from '../../../../daemon/resilience/defaultChain';

const fallback = configSchema.parse({}).resilience.fallback;
const keyed =
  (...ids: string[]) =>
  (p: string) =>
    ids.includes(p);

describe('fallbackInForce', () => {
  it('without a chain: the other keyed makers, in order, no model (the tier picks it)', () => {
    expect(
      fallbackInForce(fallback, 'openai', keyed('openai', 'gemini', 'anthropic', 'azureOpenai'), {}).chains,
    ).toEqual({ '*': [{ provider: 'anthropic' }, { provider: 'gemini' }] });
    expect(fallbackInForce(fallback, 'openai', keyed('openai'), {}).chains).toEqual({ '*': [] });
  });

  it('a configured chain, automatic: false or CONDUIT_AUTO_FALLBACK=0 leaves the settings as they are', () => {
    const chained = { ...fallback, chains: { ask: [{ provider: 'gemini' as const }] } };
    expect(fallbackInForce(chained, 'openai', keyed('anthropic', 'gemini'), {})).toBe(chained);
    expect(fallbackInForce({ ...fallback, automatic: false }, 'openai', keyed('anthropic'), {}).chains).toEqual({});
    expect(fallbackInForce(fallback, 'openai', keyed('anthropic'), { CONDUIT_AUTO_FALLBACK: '0' }).chains).toEqual({});
  });

  it('chainStatus labels the chain and says whether it is automatic', () => {
    expect(chainStatus(fallback, 'anthropic', keyed('openai'), {})).toEqual({
      automatic: true,
      chains: { '*': ['openai'] },
    });
    const chained = { ...fallback, chains: { '*': [{ provider: 'gemini' as const, model: 'g-1' }] } };
    expect(chainStatus(chained, 'anthropic', keyed('openai'), {})).toEqual({
      automatic: false,
      chains: { '*': ['gemini/g-1'] },
    });
  });
});
