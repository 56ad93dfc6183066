import type { ZodType } from 'zod';
import type { GuardRedaction } from '../../protocol';
import { findPii } from './piiScanner';
import { applyRedactions, dedupe, findSecrets, type Finding } from './secretScanner';

export interface OutputPolicy {
  secrets: boolean;
  pii: boolean;
}

function findings(text: string, policy: OutputPolicy): Finding[] {
  // Secrets alone (the default) are already in order and without overlaps.
  if (!policy.pii) return policy.secrets ? findSecrets(text) : [];
  const all: Finding[] = [];
  if (policy.secrets) all.push(...findSecrets(text));
  if (policy.pii) all.push(...findPii(text));
  return dedupe(all);
}

/** The guard-out step (docs/architecture.md): secrets (and PII, when asked) removed from an answer. */
export function redactOutput(text: string, policy: OutputPolicy): { text: string; redacted: GuardRedaction[] } {
  if (!policy.secrets && !policy.pii) return { text, redacted: [] };
  return applyRedactions(text, findings(text, policy));
}

/**
 * Redacts a stream chunk by chunk. A pattern may straddle two chunks, so only the tail that could
 * still become one is held back: the last whitespace-free run (keys, tokens, emails), a trailing
 * run of digits and separators (cards, phone numbers, when PII is on), a line that is naming a
 * secret (`API_SECRET = …`), and a private-key block still open. Everything before it streams at
 * once. `flush()` releases the rest when the stream is done. What the client sees is the same
 * text as the final result.
 */
export class StreamRedactor {
  private pending = '';
  readonly counts = new Map<string, number>();

  constructor(
    private readonly policy: OutputPolicy,
    /** A promise back: the client is behind (see ChatSink); push and flush hand it on. */
    private readonly emit: (text: string) => Promise<void> | undefined,
    private readonly maxHold = 16_384,
  ) {}

  get active(): boolean {
    return this.policy.secrets || this.policy.pii;
  }

  push(delta: string): Promise<void> | undefined {
    if (!this.active) return this.emit(delta);
    this.pending += delta;
    let cut = this.safePrefix(this.pending);
    for (const f of findings(this.pending, this.policy)) if (f.start < cut && f.end >= cut) cut = f.start;
    if (cut === 0 && this.pending.length > this.maxHold) cut = this.pending.length - 1024;
    if (cut <= 0) return undefined;
    const released = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    return this.release(released);
  }

  /** How much of `text` no later chunk can turn into part of a secret or PII. */
  private safePrefix(text: string): number {
    let cut = text.search(/\S*$/);
    if (this.policy.pii) {
      const digits = /[+\d(][\d\s().+-]*$/.exec(text);
      if (digits) cut = Math.min(cut, digits.index);
    }
    const lineStart = text.lastIndexOf('\n') + 1;
    if (/(secret|passw|token|api[_-]?key|private)/i.test(text.slice(lineStart))) cut = Math.min(cut, lineStart);
    const begin = text.lastIndexOf('-----BEGIN');
    if (begin >= 0 && !/-----END [A-Z ]*-----/.test(text.slice(begin))) cut = Math.min(cut, begin);
    return cut;
  }

  flush(): Promise<void> | undefined {
    const rest = this.pending;
    this.pending = '';
    return rest ? this.release(rest) : undefined;
  }

  private release(text: string): Promise<void> | undefined {
    const r = applyRedactions(text, findings(text, this.policy));
    for (const x of r.redacted) this.counts.set(x.kind, (this.counts.get(x.kind) ?? 0) + x.count);
    return r.text ? this.emit(r.text) : undefined;
  }
}

export type JsonCheck = { ok: true; value: unknown } | { ok: false; problem: string };

/** Does the answer hold JSON (optionally of a shape)? A single ```json fence around it is allowed. */
export function checkJson(text: string, schema?: ZodType): JsonCheck {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(text);
  const body = fenced ? (fenced[1] ?? '') : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    return { ok: false, problem: `it is not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (schema) {
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      return {
        ok: false,
        problem: `the JSON does not match the expected shape (${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})`,
      };
    return { ok: true, value: parsed.data };
  }
  return { ok: true, value };
}

/** The one follow-up that asks the model to fix its answer. */
export function repairInstruction(problem: string): string {
  return `Your previous answer could not be used: ${problem}. Reply again with only the corrected JSON, no prose and no code fence.`;
}

/**
 * Reasons an answer deserves a look: it held a secret, or it is long and mostly repeats itself
 * (a model stuck in a loop). Only these reasons and sizes are logged, never the text.
 */
export function suspicions(text: string, redacted: readonly GuardRedaction[]): string[] {
  const reasons: string[] = [];
  const secretKinds = redacted.filter((r) => !['email', 'phone', 'card_number'].includes(r.kind));
  if (secretKinds.length > 0) reasons.push('secret_in_output');
  if (text.length >= 4000) {
    const windows = new Set<string>();
    let total = 0;
    for (let i = 0; i + 64 <= text.length; i += 64) {
      windows.add(text.slice(i, i + 64));
      total++;
    }
    if (total > 0 && windows.size / total < 0.2) reasons.push('repetitive_output');
  }
  return reasons;
}
