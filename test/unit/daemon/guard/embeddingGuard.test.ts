import { describe, expect, it } from 'vitest';
import { ConduitError } from '../../../../protocol';
import { guardEmbeddingInputs } from '../../../../daemon/guard/embeddingGuard';
import { guardSettingsSchema } from '../../../../daemon/guard/guardSettings';

const KEY = 'sk-proj-FAKEfake0123456789FAKEfake0123456789';
const guard = guardSettingsSchema.parse({
  secretsByFeature: { strict: 'block', open: 'allow' },
  maxCharsByFeature: { short: 10 },
});
const opts = { maxPromptChars: 1000, guard };

function refusal(f: () => unknown): ConduitError {
  try {
    f();
  } catch (err) {
    if (err instanceof ConduitError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('guardEmbeddingInputs', () => {
  it('redacts secrets by default, input by input, and says what it removed', () => {
    const out = guardEmbeddingInputs(['clean', `a ${KEY} b`], 'notes', opts);
    expect(out.inputs[0]).toBe('clean');
    expect(out.inputs[1]).not.toContain(KEY);
    expect(out.redacted).toEqual([{ kind: 'openai_key', count: 1 }]);
  });

  it('sends texts as given when nothing is found or the feature allows secrets', () => {
    expect(guardEmbeddingInputs(['a\u0001b'], 'notes', opts)).toEqual({ inputs: ['a\u0001b'], redacted: [] });
    expect(guardEmbeddingInputs([KEY], 'open', opts).inputs).toEqual([KEY]);
  });

  it('blocks for a blocking feature, naming the inputs but not the secret', () => {
    const e = refusal(() => guardEmbeddingInputs(['x', KEY, `y ${KEY}`], 'strict', opts));
    expect(e.code).toBe('guard_blocked');
    expect(e.message).toContain('Inputs 1, 2 contain what looks like a secret (2 openai keys)');
    expect(e.message).not.toContain(KEY);
  });

  it('counts all inputs together against the per-feature limit, then maxPromptChars', () => {
    expect(refusal(() => guardEmbeddingInputs(['123456', '12345'], 'short', opts)).message).toContain(
      'The 2 inputs are 11 characters together; the limit for "short" is 10',
    );
    expect(refusal(() => guardEmbeddingInputs(['x'.repeat(1001)], 'other', opts)).message).toContain(
      'raise maxPromptChars',
    );
    expect(guardEmbeddingInputs(['12345', '12345'], 'short', opts).inputs).toHaveLength(2);
  });
});
