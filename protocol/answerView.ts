/**
 * The answer panel's messages, extension <-> webview (postMessage). Plain data, no imports, so
 * the webview bundle pulls in nothing else.
 */

/** What a failure view offers; the extension maps each to a command it already has. */
export const FailureActions = ['retry', 'switchProvider', 'setApiKey', 'showLogs', 'showUsage'] as const;
export type FailureAction = (typeof FailureActions)[number];

/** How a failed or degraded answer is shown: the theme's warning or error style, with actions. */
export interface FailureView {
  severity: 'warning' | 'error';
  /** One short sentence: what happened. */
  title: string;
  /** What to do next, or the details; plain text. */
  detail: string;
  actions: FailureAction[];
}

/** What the answer view shows; sent whole on every update, so a late-loading page misses nothing. */
export interface AnswerState {
  question: string;
  /** What was sent with the question, e.g. "selection: 12 lines of main.ts" or "no code". */
  context: string;
  /** Markdown from the model; rendered by the page with raw HTML off. */
  text: string;
  /** Model, cost, cache, fallbacks; empty while streaming. */
  footer: string;
  /** Set when the answer is not a model's full answer: a simplified or stale one, an error, a refusal. */
  failure?: FailureView;
  done: boolean;
  requestId: string;
  rated: 0 | 1 | -1;
}

export type ToAnswerPage = { type: 'state'; state: AnswerState } | { type: 'copied'; index: number };

export type FromAnswerPage =
  | { type: 'ready' }
  | { type: 'rate'; rating: 1 | -1 }
  | { type: 'retry' }
  | { type: 'action'; action: FailureAction }
  /** The index of a fenced code block in the answer, in document order. */
  | { type: 'copy'; index: number }
  | { type: 'insert'; index: number }
  | { type: 'openLink'; href: string };

/** The page's messages, checked: the page is the least trusted end. */
export function parseFromAnswerPage(value: unknown): FromAnswerPage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  switch (v.type) {
    case 'ready':
    case 'retry':
      return { type: v.type };
    case 'rate':
      return v.rating === 1 || v.rating === -1 ? { type: 'rate', rating: v.rating } : undefined;
    case 'action':
      return (FailureActions as readonly unknown[]).includes(v.action)
        ? { type: 'action', action: v.action as FailureAction }
        : undefined;
    case 'copy':
    case 'insert':
      return Number.isSafeInteger(v.index) && (v.index as number) >= 0
        ? { type: v.type, index: v.index as number }
        : undefined;
    case 'openLink':
      return typeof v.href === 'string' && v.href.length <= 8192 ? { type: 'openLink', href: v.href } : undefined;
    default:
      return undefined;
  }
}
