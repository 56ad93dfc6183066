import { describe, expect, it } from 'vitest';
import { ConduitError } from '../../../../protocol';
import type { KeyCandidate } from '../../../../daemon/secrets/keyRing';
import { withKeyRotation } from '../../../../daemon/secrets/keyRotation';

const keys: KeyCandidate[] = [
  { key: 'sk-FAKE-a-000000000000000000001', origin: 'keychain', id: 'k1' },
  { key: 'sk-FAKE-b-000000000000000000002', origin: 'keychain', id: 'k2' },
  { key: 'sk-FAKE-c-000000000000000000003', origin: 'env', id: 'OPENAI_API_KEY' },
];
const auth = () => new ConduitError({ code: 'auth', message: 'invalid key' });
const signal = new AbortController().signal;

describe('key rotation on 401', () => {
  it('moves to the next key within the same request and reports each rejected one', async () => {
    const tried: string[] = [];
    const rejected: string[] = [];
    const value = await withKeyRotation(
      'openai',
      keys,
      true,
      async (key) => {
        tried.push(key!);
        if (tried.length < 3) throw auth();
        return 'ok';
      },
      { onRejected: (r, next) => rejected.push(`${r.id}->${next?.id}`) },
      signal,
    );
    expect(value).toBe('ok');
    expect(tried).toEqual(keys.map((k) => k.key));
    expect(rejected).toEqual(['k1->k2', 'k2->OPENAI_API_KEY']);
  });

  it('throws the 401 when the last key fails too, and other errors at once', async () => {
    const rejected: string[] = [];
    await expect(
      withKeyRotation(
        'openai',
        keys.slice(0, 1),
        true,
        async () => {
          throw auth();
        },
        { onRejected: (r) => rejected.push(r.id) },
        signal,
      ),
    ).rejects.toMatchObject({ code: 'auth' });
    expect(rejected).toEqual(['k1']);
    let calls = 0;
    await expect(
      withKeyRotation(
        'openai',
        keys,
        true,
        async () => {
          calls++;
          throw new ConduitError({ code: 'rate_limited', message: 'slow down' });
        },
        { onRejected: () => undefined },
        signal,
      ),
    ).rejects.toMatchObject({ code: 'rate_limited' });
    expect(calls).toBe(1);
  });

  it('says how to add a key when there is none, and runs keyless providers without one', async () => {
    await expect(
      withKeyRotation('gemini', [], true, async () => 'x', { onRejected: () => undefined }, signal),
    ).rejects.toThrow(/conduit key set gemini.*GEMINI_API_KEY/);
    await expect(
      withKeyRotation('openaiCompatible', [], false, async (k) => k ?? 'none', { onRejected: () => undefined }, signal),
    ).resolves.toBe('none');
  });
});
