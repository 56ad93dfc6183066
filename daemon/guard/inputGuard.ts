import { ConduitError, textOf, type ChatMessage, type ChatRequest, type GuardRedaction } from '../../protocol';
import { checkImageParts } from './imageCheck';
import { zodForResponseSchema } from './responseSchema';
import { estimateTokens, secretModeFor, type GuardSettings } from './guardSettings';
import { parseChatRequest } from './requestSchema';
import { findSecrets, mergeRedactions, redactSecrets } from './secretScanner';

export interface InputGuardOptions {
  maxPromptChars: number;
  /** Per-feature limits and the secret policy; without it, only maxPromptChars applies. */
  guard?: GuardSettings;
}

export interface GuardedInput {
  request: ChatRequest;
  /** What was removed from the prompt before sending; empty when nothing was. */
  redacted: GuardRedaction[];
}

// Control characters other than tab, newline and carriage return carry no meaning in a prompt
// and some upstreams reject them outright.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

function cleanText(text: string): string {
  // toWellFormed replaces lone surrogates, which would otherwise fail JSON encoding upstream.
  const wellFormed = text.toWellFormed();
  return wellFormed.replace(CONTROL_CHARS, '');
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** The guard-in step (docs/architecture.md): a request that fails here is never sent anywhere. */
export function guardInput(input: unknown, opts: InputGuardOptions): ChatRequest {
  return guardRequest(input, opts).request;
}

export function guardRequest(input: unknown, opts: InputGuardOptions): GuardedInput {
  const parsed = parseChatRequest(input);
  if (!parsed.ok) {
    throw new ConduitError({ code: 'bad_request', message: `The request is malformed: ${parsed.problem}.` });
  }
  const request = parsed.request;
  const feature = request.feature ?? 'ask';
  let messages = request.messages.map((m) => ({ role: m.role, content: mapText(m.content, cleanText) }));
  let system = request.system === undefined ? undefined : cleanText(request.system);
  checkImageParts(messages);
  if (request.responseSchema) zodForResponseSchema(request.responseSchema);
  // Images are not prompt characters: the token estimate and the provider's image limits cover them.
  const chars = messages.reduce((n, m) => n + textOf(m.content).length, system?.length ?? 0);
  const featureChars = opts.guard?.maxCharsByFeature[feature];
  const maxChars = featureChars ?? opts.maxPromptChars;
  if (chars > maxChars) {
    const setting = featureChars !== undefined ? `guard.maxCharsByFeature["${feature}"]` : 'maxPromptChars';
    throw new ConduitError({
      code: 'too_large',
      message: `The prompt is ${fmt(chars)} characters; the limit${featureChars !== undefined ? ` for "${feature}"` : ''} is ${fmt(maxChars)}. Shorten it or raise ${setting} in the config.`,
    });
  }
  const maxTokens = opts.guard?.maxTokensByFeature[feature];
  if (maxTokens !== undefined && estimateTokens(chars) > maxTokens) {
    throw new ConduitError({
      code: 'too_large',
      message: `The prompt is about ${fmt(estimateTokens(chars))} tokens (estimated at 4 characters a token); the limit for "${feature}" is ${fmt(maxTokens)}. Shorten it or raise guard.maxTokensByFeature["${feature}"] in the config.`,
    });
  }
  if (messages[messages.length - 1]?.role !== 'user') {
    throw new ConduitError({ code: 'bad_request', message: 'The last message must come from the user.' });
  }

  let redacted: GuardRedaction[] = [];
  const mode = opts.guard ? secretModeFor(opts.guard, feature) : 'allow';
  if (mode === 'block') {
    const kinds = mergeRedactions([...messages.map((m) => textOf(m.content)), system ?? ''].map((t) => countKinds(t)));
    if (kinds.length > 0) {
      throw new ConduitError({
        code: 'guard_blocked',
        message: `The prompt contains what looks like a secret (${describe(kinds)}), and the guard blocks secrets for "${feature}"; nothing was sent. Remove it, or set guard.secretsByFeature["${feature}"] to "redact".`,
      });
    }
  } else if (mode === 'redact') {
    const parts: GuardRedaction[][] = [];
    messages = messages.map((m) => ({
      role: m.role,
      content: mapText(m.content, (text) => {
        const r = redactSecrets(text);
        parts.push(r.redacted);
        return r.text;
      }),
    }));
    if (system !== undefined) {
      const r = redactSecrets(system);
      parts.push(r.redacted);
      system = r.text;
    }
    redacted = mergeRedactions(parts);
  }
  return { request: { ...request, messages, ...(system === undefined ? {} : { system }) }, redacted };
}

/** Applies `f` to every piece of text in a message (text parts and tool results), leaving images and tool calls as they are. */
function mapText(content: ChatMessage['content'], f: (text: string) => string): ChatMessage['content'] {
  if (typeof content === 'string') return f(content);
  return content.map((p) =>
    p.type === 'text' ? { ...p, text: f(p.text) } : p.type === 'tool_result' ? { ...p, content: f(p.content) } : p,
  );
}

function countKinds(text: string): GuardRedaction[] {
  return mergeRedactions([findSecrets(text).map((f) => ({ kind: f.kind, count: 1 }))]);
}

export function describe(kinds: readonly GuardRedaction[]): string {
  return kinds.map((k) => `${k.count} ${k.kind.replace(/_/g, ' ')}${k.count > 1 ? 's' : ''}`).join(', ');
}
