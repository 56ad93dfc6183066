import { ConduitError, type GuardRedaction } from '../../protocol';
import { estimateTokens, secretModeFor } from './guardSettings';
import { describe, type InputGuardOptions } from './inputGuard';
import { findSecrets, mergeRedactions, redactSecrets } from './secretScanner';

export interface GuardedEmbeddingInputs {
  /** As they go upstream: secrets replaced by placeholders when the feature redacts. */
  inputs: string[];
  /** What was removed; empty when nothing was. */
  redacted: GuardRedaction[];
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * The guard-in step for embedding inputs, with the policy a chat prompt meets over IPC: the
 * per-feature character and token limits (over all inputs together, as they are one request)
 * and the secret policy (redact, block or allow). Texts go upstream as given otherwise: unlike a
 * prompt, changing a character changes the vector.
 */
export function guardEmbeddingInputs(
  inputs: readonly string[],
  feature: string,
  opts: InputGuardOptions,
): GuardedEmbeddingInputs {
  const chars = inputs.reduce((n, t) => n + t.length, 0);
  const featureChars = opts.guard?.maxCharsByFeature[feature];
  const maxChars = featureChars ?? opts.maxPromptChars;
  const many = inputs.length === 1 ? 'The input is' : `The ${fmt(inputs.length)} inputs are`;
  if (chars > maxChars) {
    const setting = featureChars !== undefined ? `guard.maxCharsByFeature["${feature}"]` : 'maxPromptChars';
    throw new ConduitError({
      code: 'too_large',
      message: `${many} ${fmt(chars)} characters together; the limit${featureChars !== undefined ? ` for "${feature}"` : ''} is ${fmt(maxChars)}. Send fewer or shorter inputs, or raise ${setting} in the config.`,
    });
  }
  const maxTokens = opts.guard?.maxTokensByFeature[feature];
  if (maxTokens !== undefined && estimateTokens(chars) > maxTokens) {
    throw new ConduitError({
      code: 'too_large',
      message: `${many} about ${fmt(estimateTokens(chars))} tokens together (estimated at 4 characters a token); the limit for "${feature}" is ${fmt(maxTokens)}. Send fewer or shorter inputs, or raise guard.maxTokensByFeature["${feature}"] in the config.`,
    });
  }
  const mode = opts.guard ? secretModeFor(opts.guard, feature) : 'allow';
  if (mode === 'allow') return { inputs: [...inputs], redacted: [] };
  if (mode === 'block') {
    const found = inputs.flatMap((t, i) => (findSecrets(t).length > 0 ? [i] : []));
    if (found.length > 0) {
      const kinds = mergeRedactions(inputs.map((t) => findSecrets(t).map((f) => ({ kind: f.kind, count: 1 }))));
      throw new ConduitError({
        code: 'guard_blocked',
        message: `Input${found.length > 1 ? 's' : ''} ${found.join(', ')} contain${found.length > 1 ? '' : 's'} what looks like a secret (${describe(kinds)}), and the guard blocks secrets for "${feature}"; nothing was sent. Remove it, or set guard.secretsByFeature["${feature}"] to "redact".`,
      });
    }
    return { inputs: [...inputs], redacted: [] };
  }
  const parts: GuardRedaction[][] = [];
  const out = inputs.map((t) => {
    const r = redactSecrets(t);
    parts.push(r.redacted);
    return r.text;
  });
  return { inputs: out, redacted: mergeRedactions(parts) };
}
