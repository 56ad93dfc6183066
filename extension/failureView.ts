import { ConduitError, type ChatResult, type ConduitErrorData, type ErrorCode } from '../protocol';
import type { FailureAction, FailureView } from '../protocol/answerView';

/** Failures the status bar turns to a warning for, until the next success. */
export type FailureKind = 'auth' | 'outage' | 'budget' | 'request';

/** What a failed or degraded request means for the user: how to show it, and what can be done. Pure. */
export interface ClassifiedFailure {
  view: FailureView;
  kind: FailureKind;
  /** The provider it concerns, when known (for "Set API Key" and for matching the daemon's alert). */
  provider?: string;
  /** One notification for it (never for a cancel, never a second for the same failure). */
  notify: boolean;
  /** The status bar shows it until a request succeeds. */
  statusBar: boolean;
}

const AUTH: ReadonlySet<ErrorCode> = new Set(['auth', 'no_api_key', 'permission', 'keychain_unavailable']);
const OUTAGE: ReadonlySet<ErrorCode> = new Set([
  'server_error',
  'overloaded',
  'network',
  'timeout',
  'circuit_open',
  'stream_interrupted',
  'rate_limited',
  'quota_exhausted',
  'queue_full',
  'daemon_unavailable',
]);
const BUDGET: ReadonlySet<ErrorCode> = new Set(['budget_exceeded']);

const PROVIDER_NAMES: Record<string, string> = {
  anthropic: 'Anthropic',
  openai: 'OpenAI',
  gemini: 'Gemini',
  openaiCompatible: 'The OpenAI-compatible server',
  anthropicBedrock: 'Anthropic on Bedrock',
  anthropicVertex: 'Anthropic on Vertex AI',
  geminiVertex: 'Gemini on Vertex AI',
  azureOpenai: 'Azure OpenAI',
};

function kindOf(code: ErrorCode): FailureKind {
  if (AUTH.has(code)) return 'auth';
  if (BUDGET.has(code)) return 'budget';
  if (OUTAGE.has(code)) return 'outage';
  return 'request';
}

function actionsFor(kind: FailureKind): FailureAction[] {
  switch (kind) {
    case 'auth':
      return ['setApiKey', 'switchProvider', 'showLogs'];
    case 'budget':
      return ['showUsage', 'showLogs'];
    case 'outage':
      return ['retry', 'switchProvider', 'showLogs'];
    default:
      return ['retry', 'showLogs'];
  }
}

/** "Anthropic rejected the API key (HTTP 401)." and its kin: short, no CLI advice, no placeholders. */
function titleFor(code: ErrorCode, provider: string | undefined, status: number | undefined): string {
  const who = provider ? (PROVIDER_NAMES[provider] ?? provider) : 'The provider';
  const http = status !== undefined ? ` (HTTP ${status})` : '';
  switch (code) {
    case 'auth':
      return `${who} rejected the API key${http}.`;
    case 'no_api_key':
      return `${who} has no API key set.`;
    case 'permission':
      return `${who}'s key may not use this model${http}.`;
    case 'keychain_unavailable':
      return 'The OS keychain could not be reached, so no key was read.';
    case 'budget_exceeded':
      return 'Refused: this request would go over a spending budget.';
    case 'quota_exhausted':
      return `${who} says the account is out of credit${http}.`;
    case 'rate_limited':
      return `${who} is rate-limiting this key${http}.`;
    case 'circuit_open':
      return `${who} is paused after repeated failures.`;
    case 'network':
      return `${who} could not be reached.`;
    case 'timeout':
      return `${who} did not answer in time${http}.`;
    case 'daemon_unavailable':
      return 'The Conduit daemon is not available.';
    case 'server_error':
    case 'overloaded':
      return `${who} is unavailable${http}.`;
    default:
      return `The request failed${http}.`;
  }
}

const NEXT: Record<FailureKind, string> = {
  auth: 'Set the API key, or switch to a provider that is set up.',
  budget: 'See the usage panel for the budgets and what was spent; raise the budget in settings to go on.',
  outage: 'Retry in a moment, or switch provider.',
  request: 'See the logs for the details.',
};

/** A thrown request failure. Cancelling is not a failure: undefined. */
export function classifyError(err: ConduitErrorData): ClassifiedFailure | undefined {
  if (err.code === 'cancelled') return undefined;
  const kind = kindOf(err.code);
  const title = titleFor(err.code, err.provider, err.status);
  return {
    view: {
      severity: kind === 'auth' || kind === 'request' ? 'error' : 'warning',
      title,
      // The daemon's own words say what went wrong; auth advice there is for the CLI, so it goes.
      detail: kind === 'auth' ? NEXT.auth : `${err.message} ${kind === 'request' ? '' : NEXT[kind]}`.trim(),
      actions: actionsFor(kind),
    },
    kind,
    ...(err.provider ? { provider: err.provider } : {}),
    notify: true,
    statusBar: kind !== 'request',
  };
}

/**
 * A result that is not a model's full, fresh answer: Conduit's simplified answer when every
 * provider failed, or an expired cache entry. Undefined for a good answer.
 */
export function classifyResult(
  result: Pick<ChatResult, 'degraded' | 'cache' | 'provider'>,
): ClassifiedFailure | undefined {
  if (result.degraded) {
    const kind = kindOf(result.degraded.code);
    return {
      view: {
        severity: 'warning',
        title: `No model answered: ${titleFor(result.degraded.code, result.provider, undefined)}`,
        detail: `${result.degraded.message} ${NEXT[kind === 'request' ? 'outage' : kind]}`,
        actions: actionsFor(kind === 'request' ? 'outage' : kind),
      },
      kind: kind === 'request' ? 'outage' : kind,
      provider: result.provider,
      notify: true,
      statusBar: true,
    };
  }
  if (result.cache === 'stale')
    return {
      view: {
        severity: 'warning',
        title: 'An older answer from the cache: the provider could not answer now.',
        detail: 'It may be out of date. Retry for a fresh answer.',
        actions: ['retry', 'switchProvider', 'showLogs'],
      },
      kind: 'outage',
      provider: result.provider,
      notify: false,
      statusBar: true,
    };
  return undefined;
}

/** A thrown value as the failure it is: the daemon's error as classified, anything else an internal one. */
export function classifyThrown(err: unknown): ClassifiedFailure | undefined {
  if (err instanceof ConduitError) return classifyError(err.data);
  return classifyError({ code: 'internal', message: err instanceof Error ? err.message : String(err) });
}
