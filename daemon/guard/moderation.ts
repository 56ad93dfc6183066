import { ConduitError, textOf, type ChatMessage } from '../../protocol';

export interface ModerationVerdict {
  flagged: boolean;
  categories: string[];
}

export interface ModerationTarget {
  apiKey: string;
  baseURL: string;
}

/** The SDK loads for the first moderated request, not when the daemon starts; then once. */
let openai: Promise<typeof import('openai')> | undefined;

/**
 * OpenAI's moderation endpoint, for the features configured to use it. It runs before the
 * prompt goes anywhere; a flagged prompt is refused. A moderation call that fails refuses too:
 * a feature that asked for moderation is not sent unchecked.
 */
export async function moderate(
  text: string,
  target: ModerationTarget,
  signal: AbortSignal,
  redact: (s: string) => string,
): Promise<ModerationVerdict> {
  const { default: OpenAI } = await (openai ??= import('openai'));
  const client = new OpenAI({ apiKey: target.apiKey, baseURL: target.baseURL, maxRetries: 0, timeout: 15_000 });
  try {
    const res = await client.moderations.create({ model: 'omni-moderation-latest', input: text }, { signal });
    const categories = new Set<string>();
    let flagged = false;
    for (const r of res.results) {
      if (!r.flagged) continue;
      flagged = true;
      for (const [name, hit] of Object.entries(r.categories)) if (hit === true) categories.add(name);
    }
    return { flagged, categories: [...categories] };
  } catch (err) {
    throw new ConduitError({
      code: 'guard_blocked',
      provider: 'openai',
      message: `The moderation check failed, so the prompt was not sent: ${redact(err instanceof Error ? err.message : String(err)).slice(0, 300)}. Try again, or remove the feature from guard.moderationFeatures.`,
    });
  }
}

/** Runs the check for features configured to use it; refuses a flagged prompt. */
export async function enforceModeration(
  request: { feature?: string; system?: string; messages: Pick<ChatMessage, 'content'>[] },
  features: readonly string[],
  target: () => ModerationTarget | undefined,
  signal: AbortSignal,
  redact: (s: string) => string,
): Promise<void> {
  const feature = request.feature ?? 'ask';
  if (!features.includes(feature)) return;
  const to = target();
  if (!to) {
    throw new ConduitError({
      code: 'guard_blocked',
      message: `"${feature}" is set to use moderation, which needs an OpenAI key; none is set. Run \`conduit key set openai\`, or remove the feature from guard.moderationFeatures.`,
    });
  }
  const text = [request.system ?? '', ...request.messages.map((m) => textOf(m.content))].filter(Boolean).join('\n\n');
  const verdict = await moderate(text, to, signal, redact);
  if (verdict.flagged) {
    throw new ConduitError({
      code: 'guard_blocked',
      message: `The moderation check flagged the prompt (${verdict.categories.join(', ') || 'unspecified'}); nothing was sent.`,
    });
  }
}
